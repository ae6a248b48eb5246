import { Check, Minus, Plus } from "lucide-react";
import { useEffect } from "react";

import { ErrorState } from "@/components/ErrorState";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useApiQuery } from "@/hooks/useApiQuery";
import { PRODUCT_TITLES, type Product } from "@/hooks/useUserAccess";
import type { LimitUsage } from "@/modules/auth/types";
import { cn } from "@/lib/utils";
import { useAuth } from "@/stores/auth";

import {
  billingApi,
  formatLimit,
  formatPrice,
  offer,
  STATUS_LABELS,
  usageLevel,
  usagePercent,
  usageText,
  type Catalogue,
} from "./catalogue";

const LIMIT_TITLES: Record<string, string> = {
  max_users: "Usuários ativos",
  max_numbers: "Números de WhatsApp",
  max_contacts: "Contatos",
  max_campaigns_per_month: "Campanhas neste mês",
};

function UsageBar({ name, usage }: { name: string; usage: LimitUsage }) {
  const level = usageLevel(usage);
  const percent = usagePercent(usage);
  return (
    <div className="space-y-1.5" data-testid={`usage-${name}`} data-used={usage.used} data-limit={usage.limit ?? ""}>
      <div className="flex items-baseline justify-between gap-2 text-sm">
        <span className="font-medium">{LIMIT_TITLES[name] ?? name}</span>
        <span className="text-muted-foreground tabular-nums" data-testid={`usage-${name}-text`}>
          {usageText(usage)}
        </span>
      </div>
      <div
        className="bg-muted h-2 overflow-hidden rounded-full"
        role="progressbar"
        aria-label={LIMIT_TITLES[name] ?? name}
        aria-valuemin={0}
        aria-valuemax={usage.limit ?? undefined}
        aria-valuenow={usage.used}
      >
        <div
          className={cn(
            "h-full rounded-full transition-all",
            level === "full" ? "bg-destructive" : level === "high" ? "bg-amber-500" : "bg-primary",
          )}
          style={{ width: `${percent}%` }}
        />
      </div>
      {level === "full" ? (
        <p className="text-destructive text-xs">Limite do plano atingido: faça upgrade para ter mais.</p>
      ) : null}
    </div>
  );
}

function CurrentPlan() {
  const plan = useAuth((s) => s.plan);
  const products = useAuth((s) => s.products);
  const usage = useAuth((s) => s.usage);
  if (!plan || !usage) return <Skeleton className="h-48 w-full" />;
  const trialEnds = plan.trial_ends_at ? new Date(plan.trial_ends_at).toLocaleDateString("pt-BR") : null;
  return (
    <Card data-testid="current-plan">
      <CardHeader>
        <CardTitle className="flex flex-wrap items-center gap-2">
          Plano <span data-testid="current-plan-title">{plan.title}</span>
          <Badge variant={plan.status === "past_due" ? "destructive" : "secondary"} data-testid="plan-status">
            {STATUS_LABELS[plan.status] ?? plan.status}
          </Badge>
        </CardTitle>
        <CardDescription>
          {plan.status === "trialing" && trialEnds ? `Período de teste até ${trialEnds}. ` : null}
          Módulos:{" "}
          <span data-testid="current-products">
            {(products ?? []).map((p) => PRODUCT_TITLES[p as Product] ?? p).join(", ") || "—"}
          </span>
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-5">
        <div className="grid gap-5 sm:grid-cols-2">
          {Object.entries(usage).map(([name, u]) => (
            <UsageBar key={name} name={name} usage={u} />
          ))}
        </div>
        {/* Slot for billing actions (change plan / add-ons through Stripe Checkout, "Gerenciar pagamento"
            through the Customer Portal, invoices): issue 14, part 2. */}
        <div data-slot="billing-actions" data-testid="billing-actions" className="flex flex-wrap gap-2" />
      </CardContent>
    </Card>
  );
}

function Offer({ kind, price }: { kind: "included" | "add_on" | "none"; price?: number }) {
  if (kind === "included") return <Check className="text-primary mx-auto size-4" aria-label="Incluído" />;
  if (kind === "none") return <Minus className="text-muted-foreground mx-auto size-4" aria-label="Não disponível" />;
  return (
    <span className="inline-flex items-center gap-1 text-xs" title="Adicional pago">
      <Plus className="size-3" aria-hidden />
      {price != null ? formatPrice(price) : "Adicional"}
    </span>
  );
}

function Comparison({ catalogue, current }: { catalogue: Catalogue; current: string | undefined }) {
  const addOnPrice = Object.fromEntries(catalogue.add_ons.map((a) => [a.product, a.price_brl]));
  return (
    <Card>
      <CardHeader>
        <CardTitle>Compare os planos</CardTitle>
        <CardDescription>
          Preços mensais em reais. Os adicionais são contratados à parte em cada plano que os oferece.
        </CardDescription>
      </CardHeader>
      <CardContent className="overflow-x-auto">
        <Table data-testid="plan-comparison">
          <TableHeader>
            <TableRow>
              <TableHead />
              {catalogue.plans.map((p) => (
                <TableHead key={p.name} className="text-center" data-testid={`plan-column-${p.name}`}>
                  <div className="font-semibold">{p.title}</div>
                  <div className="text-muted-foreground text-xs font-normal">{formatPrice(p.price_brl)}</div>
                  {p.name === current ? (
                    <Badge variant="outline" className="mt-1" data-testid="plan-current-marker">
                      Seu plano
                    </Badge>
                  ) : null}
                </TableHead>
              ))}
            </TableRow>
          </TableHeader>
          <TableBody>
            {catalogue.limits.map((limit) => (
              <TableRow key={limit.name}>
                <TableCell className="font-medium">{limit.title}</TableCell>
                {catalogue.plans.map((p) => (
                  <TableCell key={p.name} className="text-center tabular-nums">
                    {formatLimit(p.limits[limit.name])}
                  </TableCell>
                ))}
              </TableRow>
            ))}
            {catalogue.products.map((product) => (
              <TableRow key={product.name}>
                <TableCell className="font-medium" title={product.description}>
                  {product.title}
                </TableCell>
                {catalogue.plans.map((p) => (
                  <TableCell key={p.name} className="text-center">
                    <Offer kind={offer(p, product.name)} price={addOnPrice[product.name]} />
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {/* Slot for each plan's "Escolher plano" (Stripe Checkout): issue 14, part 2. */}
      </CardContent>
    </Card>
  );
}

/** The plan, its usage bars and the plan comparison (a part of Configurações → Plano e cobrança). */
export function PlanUsage() {
  const loadMe = useAuth((s) => s.loadMe);
  const current = useAuth((s) => s.plan?.name);
  const catalogue = useApiQuery((signal) => billingApi.catalogue(signal), []);

  // the usage moves with every creation: read it fresh when the page opens
  useEffect(() => {
    loadMe().catch(() => undefined);
  }, [loadMe]);

  return (
    <>
      <CurrentPlan />
      {catalogue.failed ? (
        <ErrorState what="os planos" onRetry={catalogue.refetch} />
      ) : catalogue.data ? (
        <Comparison catalogue={catalogue.data} current={current} />
      ) : (
        <Skeleton className="h-64 w-full" />
      )}
    </>
  );
}
