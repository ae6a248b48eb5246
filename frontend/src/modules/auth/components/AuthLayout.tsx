import type { ReactNode } from "react";
import { Link } from "react-router-dom";

import { EvolutionCredit } from "@/components/EvolutionCredit";
import { DevBanner } from "@/components/layout/DevBanner";
import { Logo } from "@/components/layout/Sidebar";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";

interface AuthLayoutProps {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  /** Links under the card ("Voltar para a entrada"…). */
  footer?: ReactNode;
  wide?: boolean;
}

/** The pages a visitor sees without a session: login, sign-up, forgot/reset password, invitation, verification. */
export function AuthLayout({ title, description, children, footer, wide = false }: AuthLayoutProps) {
  return (
    <div className="bg-muted/40 flex min-h-dvh flex-col">
      <DevBanner />
      <div className="flex flex-1 flex-col items-center justify-center gap-6 p-4">
        <Logo />
        <Card className={wide ? "w-full max-w-md" : "w-full max-w-sm"}>
          <CardHeader>
            <CardTitle className="text-xl">{title}</CardTitle>
            {description ? <CardDescription>{description}</CardDescription> : null}
          </CardHeader>
          <CardContent>{children}</CardContent>
        </Card>
        {footer ? <div className="text-muted-foreground flex flex-col items-center gap-2 text-sm">{footer}</div> : null}
        <EvolutionCredit variant="compact" />
      </div>
    </div>
  );
}

export function BackToLogin() {
  return (
    <Link to="/login" className="text-primary font-medium hover:underline">
      Voltar para a entrada
    </Link>
  );
}
