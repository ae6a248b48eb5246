import { FlaskConical, Mail } from "lucide-react";
import { useEffect, useState } from "react";

import { authApi } from "@/modules/auth/api";

/** A thin strip on a local runtime (alrea dev): e-mails go to the local mail sink, linked here. */
export function DevBanner() {
  const [sink, setSink] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    void authApi.options().then((o) => alive && setSink(o.mail_sink_url));
    return () => {
      alive = false;
    };
  }, []);

  if (!sink) return null;
  return (
    <div
      className="flex shrink-0 items-center justify-center gap-2 bg-amber-100 px-3 py-1 text-xs text-amber-900"
      data-testid="dev-banner"
    >
      <FlaskConical className="size-3.5" aria-hidden />
      <span>Ambiente local de desenvolvimento: nenhum e-mail sai desta máquina.</span>
      <a href={sink} target="_blank" rel="noreferrer" className="inline-flex items-center gap-1 font-medium underline">
        <Mail className="size-3.5" aria-hidden />
        Caixa de e-mails (dev)
      </a>
    </div>
  );
}
