/** The creation wizard: Mensagem → Público → Números → Ritmo → Agendamento → Revisão. Also edits drafts. */
import { Check, ChevronLeft, ChevronRight, Loader2, Play, Save } from "lucide-react";
import { useEffect, useState } from "react";
import { useNavigate, useParams } from "react-router-dom";
import { toast } from "sonner";

import { Page, PageHeader } from "@/components/PageHeader";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { cn } from "@/lib/utils";
import { ReadOnlyHint, useReadOnly } from "@/modules/billing";

import { campaignsApi } from "../api";
import { AudienceStep } from "../components/wizard/AudienceStep";
import { MessageStep } from "../components/wizard/MessageStep";
import { NumbersStep } from "../components/wizard/NumbersStep";
import { PacingStep } from "../components/wizard/PacingStep";
import { ReviewStep } from "../components/wizard/ReviewStep";
import { ScheduleStep } from "../components/wizard/ScheduleStep";
import { STEPS, draftFromCampaign, draftToInput, emptyDraft, stepProblem, type Draft } from "../stores/draft";

export function CampaignWizardPage() {
  const readOnly = useReadOnly() !== null;
  const { id: editingId } = useParams();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [loaded, setLoaded] = useState(!editingId);
  const [step, setStep] = useState(0);
  const [tried, setTried] = useState(false);
  const [saving, setSaving] = useState<null | "draft" | "start">(null);

  useEffect(() => {
    if (!editingId) return;
    const ctrl = new AbortController();
    campaignsApi
      .get(editingId, ctrl.signal)
      .then((c) => {
        if (c.status !== "draft") {
          toast.error("Só é possível editar campanhas em rascunho.");
          navigate(`/campaigns/${editingId}`, { replace: true });
          return;
        }
        setDraft(draftFromCampaign(c));
        setLoaded(true);
      })
      .catch(() => navigate("/campaigns", { replace: true }));
    return () => ctrl.abort();
  }, [editingId, navigate]);

  const patch = (p: Partial<Draft>) => setDraft((d) => ({ ...d, ...p }));
  const problem = stepProblem(step, draft);
  const last = step === STEPS.length - 1;

  function next() {
    if (problem) {
      setTried(true);
      return;
    }
    setTried(false);
    setStep((s) => Math.min(STEPS.length - 1, s + 1));
  }

  function goTo(target: number) {
    // Jumping forward needs every step before the target to be complete.
    for (let s = 0; s < target; s++) {
      if (stepProblem(s, draft)) {
        setStep(s);
        setTried(true);
        return;
      }
    }
    setTried(false);
    setStep(target);
  }

  async function save(start: boolean) {
    for (let s = 0; s < STEPS.length; s++) {
      if (stepProblem(s, draft)) {
        setStep(s);
        setTried(true);
        return;
      }
    }
    setSaving(start ? "start" : "draft");
    try {
      const body = draftToInput(draft);
      const saved = editingId ? await campaignsApi.update(editingId, body) : await campaignsApi.create(body);
      if (start) {
        const started = await campaignsApi.act(saved.id, "start").catch(() => null);
        if (started) toast.success(started.status === "scheduled" ? "Campanha agendada." : "Campanha iniciada.");
        else toast.message("A campanha foi salva como rascunho.");
      } else {
        toast.success("Rascunho salvo.");
      }
      navigate(`/campaigns/${saved.id}`);
    } catch {
      // toasted by the API client (plan limit, validation…); the wizard stays open
    } finally {
      setSaving(null);
    }
  }

  const stepBody = [
    <MessageStep key="m" draft={draft} onChange={patch} />,
    <AudienceStep key="a" draft={draft} onChange={patch} />,
    <NumbersStep key="n" draft={draft} onChange={patch} />,
    <PacingStep key="p" draft={draft} onChange={patch} />,
    <ScheduleStep key="s" draft={draft} onChange={patch} />,
    <ReviewStep key="r" draft={draft} />,
  ][step];

  return (
    <Page>
      <PageHeader
        title={editingId ? "Editar campanha" : "Nova campanha"}
        description="Monte a mensagem, escolha o público e os números, e defina um ritmo seguro de envio."
      />
      <ol className="flex flex-wrap gap-2" aria-label="Etapas">
        {STEPS.map((label, i) => (
          <li key={label}>
            <button
              type="button"
              onClick={() => goTo(i)}
              aria-current={i === step ? "step" : undefined}
              className={cn(
                "inline-flex items-center gap-2 rounded-full border px-3 py-1 text-sm transition-colors",
                i === step ? "border-primary bg-primary text-primary-foreground" : "hover:bg-accent",
                i < step && "border-primary/40",
              )}
            >
              <span
                className={cn(
                  "flex size-5 items-center justify-center rounded-full text-xs",
                  i === step ? "bg-primary-foreground/20" : "bg-muted",
                )}
              >
                {i < step ? <Check className="size-3" /> : i + 1}
              </span>
              {label}
            </button>
          </li>
        ))}
      </ol>
      <Card>
        <CardHeader>
          <CardTitle>{STEPS[step]}</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-6">
          {loaded ? stepBody : <Skeleton className="h-40" />}
          {tried && problem ? (
            <p className="text-destructive text-sm" role="alert">
              {problem}
            </p>
          ) : null}
          <div className="flex flex-wrap items-center justify-between gap-2 border-t pt-4">
            <Button
              variant="ghost"
              onClick={() => (step === 0 ? navigate("/campaigns") : setStep(step - 1))}
              disabled={saving !== null}
            >
              <ChevronLeft />
              {step === 0 ? "Cancelar" : "Voltar"}
            </Button>
            {last ? (
              <div className="flex gap-2">
                <Button variant="outline" onClick={() => void save(false)} disabled={saving !== null}>
                  {saving === "draft" ? <Loader2 className="animate-spin" /> : <Save />}
                  Salvar rascunho
                </Button>
                <ReadOnlyHint>
                  <Button onClick={() => void save(true)} disabled={saving !== null || readOnly}>
                    {saving === "start" ? <Loader2 className="animate-spin" /> : <Play />}
                    {draft.scheduleMode === "later" ? "Agendar campanha" : "Iniciar campanha"}
                  </Button>
                </ReadOnlyHint>
              </div>
            ) : (
              <Button onClick={next}>
                Próximo
                <ChevronRight />
              </Button>
            )}
          </div>
        </CardContent>
      </Card>
    </Page>
  );
}
