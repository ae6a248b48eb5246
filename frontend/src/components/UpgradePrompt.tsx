import { Lock } from "lucide-react";
import type { ReactNode } from "react";
import { Link } from "react-router-dom";

import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { PRODUCT_TITLES, useUserAccess, type Product } from "@/hooks/useUserAccess";
import { useIsAdmin } from "@/stores/auth";

const WHAT: Record<Product, string> = {
  flow: "Campanhas, contatos e o atendimento compartilhado no WhatsApp.",
  sense: "Análise das conversas com inteligência artificial.",
  api: "API REST para integrar seus sistemas, com chaves de API e webhooks.",
  notifications: "A central de notificações da equipe.",
};

/** Shown in place of a module the tenant's plan lacks: what it is, and where to get it. */
export function UpgradePrompt({ product, planTitle }: { product: Product; planTitle?: string | null }) {
  const isAdmin = useIsAdmin();
  const title = PRODUCT_TITLES[product];
  return (
    <div className="mx-auto flex w-full max-w-xl p-4 md:p-8" data-testid="upgrade-prompt" data-product={product}>
      <Card className="w-full">
        <CardHeader>
          <div className="bg-muted mb-2 flex size-10 items-center justify-center rounded-full">
            <Lock className="size-5" aria-hidden />
          </div>
          <CardTitle>{title} não faz parte do seu plano</CardTitle>
          <CardDescription>
            {WHAT[product]}{" "}
            {planTitle ? `Seu plano atual é o ${planTitle}.` : null}
          </CardDescription>
        </CardHeader>
        <CardContent className="space-y-3 text-sm">
          <p>
            {isAdmin
              ? "Compare os planos e os adicionais para liberar este módulo."
              : "Peça a um administrador da sua empresa para liberar este módulo."}
          </p>
          {isAdmin ? (
            <Button asChild>
              <Link to="/settings/billing">Ver planos</Link>
            </Button>
          ) : null}
        </CardContent>
      </Card>
    </div>
  );
}

/** The module when the tenant has `product`, an UpgradePrompt otherwise. */
export function ProductGate({ product, children }: { product: Product; children: ReactNode }) {
  const access = useUserAccess(product);
  return access.allowed ? <>{children}</> : <UpgradePrompt product={product} planTitle={access.planTitle} />;
}
