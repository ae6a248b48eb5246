import { CreditCard, ExternalLink, Loader2 } from "lucide-react";
import { useCallback, useEffect, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { toast } from "sonner";

import { ErrorState } from "@/components/ErrorState";
import { Page, PageHeader } from "@/components/PageHeader";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { planLabel } from "@/modules/auth/types";
import { useAuth } from "@/stores/auth";

import { billingApi, goTo } from "../api";
import { ADD_ON_LABELS, money, STATUS_LABELS, type BillingOverview } from "../types";

function date(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleDateString("pt-BR") : "—";
}

function statusVariant(status: string): "success" | "warning" | "destructive" | "secondary" {
  if (status === "active" || status === "manual" || status === "trialing") return "success";
  if (status === "past_due" || status === "incomplete") return "warning";
  if (status === "unpaid" || status === "canceled") return "destructive";
  return "secondary";
}

/** "Assinar" for one plan with the chosen add-ons: the browser goes to the hosted Checkout page. */
export function CheckoutButton({ plan, addOns = [], label }: { plan: string; addOns?: string[]; label?: string }) {
  const [busy, setBusy] = useState(false);
  async function go() {
    setBusy(true);
    try {
      goTo(await billingApi.checkout(plan, addOns));
    } catch {
      setBusy(false); // toasted by the API client
    }
  }
  return (
    <Button onClick={() => void go()} disabled={busy} data-testid={`checkout-${plan}`}>
      {busy ? <Loader2 className="animate-spin" /> : null}
      {label ?? `Assinar ${planLabel(plan)}`}
    </Button>
  );
}

/** "Gerenciar pagamento": the hosted customer portal (card, plan change, cancel, invoices). */
export function PortalButton() {
  const [busy, setBusy] = useState(false);
  async function go() {
    setBusy(true);
    try {
      goTo(await billingApi.portal());
    } catch {
      setBusy(false);
    }
  }
  return (
    <Button variant="outline" onClick={() => void go()} disabled={busy}>
      {busy ? <Loader2 className="animate-spin" /> : <CreditCard />}
      Gerenciar pagamento
    </Button>
  );
}

/** Configurações → Plano e cobrança (admins): the plan, its status, the Stripe checkout and portal, invoices. */
export function BillingPage() {
  const loadMe = useAuth((s) => s.loadMe);
  const [params, setParams] = useSearchParams();
  const [data, setData] = useState<BillingOverview | null>(null);
  const [failed, setFailed] = useState(false);
  const [addOns, setAddOns] = useState<string[]>([]);

  const load = useCallback(async () => {
    setFailed(false);
    try {
      setData(await billingApi.overview());
    } catch {
      setFailed(true);
    }
  }, []);

  useEffect(() => {
    if (params.get("checkout") === "success") {
      toast.success("Assinatura confirmada. Obrigado!");
      setParams({}, { replace: true });
      void loadMe();
    } else if (params.get("checkout") === "canceled") {
      toast("Pagamento não concluído: nada foi cobrado.");
      setParams({}, { replace: true });
    } else if (params.get("portal")) {
      setParams({}, { replace: true });
      void loadMe();
    }
    void load();
  }, [load, loadMe, params, setParams]);

  if (failed) return <ErrorState what="a cobrança" onRetry={load} />;
  if (!data) {
    return (
      <Page>
        <Skeleton className="h-8 w-64" />
        <Skeleton className="h-40 w-full" />
      </Page>
    );
  }
  const subscribed = ["active", "trialing", "past_due", "unpaid"].includes(data.status);

  return (
    <Page>
      <PageHeader
        title="Plano e cobrança"
        description="Seu plano, a situação do pagamento e as faturas."
        actions={data.has_customer ? <PortalButton /> : null}
      />
      <Card data-testid="billing-current">
        <CardHeader>
          <CardTitle className="flex items-center gap-2">
            Plano <span data-testid="billing-plan">{planLabel(data.plan)}</span>
            <Badge variant={statusVariant(data.status)} data-testid="billing-status">
              {STATUS_LABELS[data.status] ?? data.status}
            </Badge>
          </CardTitle>
          <CardDescription>
            {data.add_ons.length
              ? `Adicionais: ${data.add_ons.map((a) => ADD_ON_LABELS[a] ?? a).join(", ")}`
              : "Nenhum adicional contratado."}
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-1 text-sm">
          <p>Período atual até: {date(data.current_period_end)}</p>
          <p>
            Próxima fatura:{" "}
            {data.next_invoice
              ? `${money(data.next_invoice.amount, data.next_invoice.currency)} em ${date(data.next_invoice.date)}`
              : "—"}
          </p>
          {data.banner ? <p className="text-amber-800">{data.banner.message}</p> : null}
        </CardContent>
      </Card>

      {!subscribed ? (
        <Card>
          <CardHeader>
            <CardTitle>Assinar</CardTitle>
            <CardDescription>
              O pagamento é feito na página segura do Stripe; depois você volta para cá com o plano ativo.
            </CardDescription>
          </CardHeader>
          <CardContent className="grid gap-4">
            <fieldset className="flex flex-wrap gap-4 text-sm">
              <legend className="mb-2 font-medium">Adicionais</legend>
              {data.available_add_ons.map((addOn) => (
                <label key={addOn} className="flex items-center gap-2">
                  <input
                    type="checkbox"
                    checked={addOns.includes(addOn)}
                    onChange={(e) =>
                      setAddOns((cur) => (e.target.checked ? [...cur, addOn] : cur.filter((a) => a !== addOn)))
                    }
                  />
                  {ADD_ON_LABELS[addOn] ?? addOn}
                </label>
              ))}
            </fieldset>
            <div className="flex flex-wrap gap-2">
              {data.plans.map((plan) => (
                <CheckoutButton key={plan} plan={plan} addOns={addOns} />
              ))}
            </div>
          </CardContent>
        </Card>
      ) : null}

      <Card>
        <CardHeader>
          <CardTitle>Faturas</CardTitle>
        </CardHeader>
        <CardContent>
          {data.invoices.length === 0 ? (
            <p className="text-muted-foreground text-sm">Nenhuma fatura ainda.</p>
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Número</TableHead>
                  <TableHead>Data</TableHead>
                  <TableHead>Valor</TableHead>
                  <TableHead>Situação</TableHead>
                  <TableHead />
                </TableRow>
              </TableHeader>
              <TableBody>
                {data.invoices.map((inv) => (
                  <TableRow key={inv.id}>
                    <TableCell>{inv.number ?? inv.id}</TableCell>
                    <TableCell>{date(inv.created_at)}</TableCell>
                    <TableCell>{money(inv.amount_due, inv.currency)}</TableCell>
                    <TableCell>{inv.status === "paid" ? "Paga" : "Em aberto"}</TableCell>
                    <TableCell>
                      {inv.url ? (
                        <a href={inv.url} target="_blank" rel="noreferrer" className="inline-flex items-center gap-1 underline">
                          Ver <ExternalLink className="size-3" aria-hidden />
                        </a>
                      ) : null}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
    </Page>
  );
}
