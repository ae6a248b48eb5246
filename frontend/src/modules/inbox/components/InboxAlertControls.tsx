import { Bell, BellRing, Volume2, VolumeX } from "lucide-react";

import { Button } from "@/components/ui/button";
import { Switch } from "@/components/ui/switch";

import { useAlertPrefs } from "../hooks/useInboxAlerts";

/** The inbox header's alert controls: the sound switch (this browser) and the notification permission button. */
export function InboxAlertControls() {
  const sound = useAlertPrefs((s) => s.sound);
  const setSound = useAlertPrefs((s) => s.setSound);
  const permission = useAlertPrefs((s) => s.permission);
  const requestPermission = useAlertPrefs((s) => s.requestPermission);
  const chimes = useAlertPrefs((s) => s.chimes);

  return (
    <div className="flex items-center justify-between gap-2 border-b px-3 py-2 text-xs" data-testid="inbox-alerts" data-chimes={chimes}>
      <label className="text-muted-foreground flex cursor-pointer items-center gap-2">
        {sound ? <Volume2 className="size-4" aria-hidden /> : <VolumeX className="size-4" aria-hidden />}
        <span>Som de novas mensagens</span>
        <Switch checked={sound} onCheckedChange={setSound} aria-label="Som de novas mensagens" />
      </label>
      {permission === "default" ? (
        <Button type="button" variant="outline" size="sm" className="h-7 px-2 text-xs" onClick={() => void requestPermission()}>
          <Bell className="size-3.5" />
          Ativar notificações
        </Button>
      ) : permission === "granted" ? (
        <span className="text-muted-foreground flex items-center gap-1" title="Notificações ativadas">
          <BellRing className="size-3.5" aria-hidden />
          Notificações ativas
        </span>
      ) : null}
    </div>
  );
}
