import { Users } from "lucide-react";
import { useState } from "react";

import { Avatar, AvatarFallback, AvatarImage } from "@/components/ui/avatar";
import { cn, initials } from "@/lib/utils";

/**
 * A contact's profile picture (a short-lived presigned URL from the API) with an initials fallback — the one
 * avatar of the app: conversation list, chat header, contact panel and contacts page.
 */
export function ContactAvatar({
  name,
  url,
  group,
  className,
  fallbackClassName,
}: {
  name: string;
  url?: string | null;
  group?: boolean;
  className?: string;
  fallbackClassName?: string;
}) {
  const src = useStableUrl(url);
  return (
    <Avatar className={cn("size-9", className)} data-testid="contact-avatar">
      {src ? <AvatarImage src={src} alt={`Foto de ${name}`} className="object-cover" data-testid="contact-avatar-image" /> : null}
      <AvatarFallback className={fallbackClassName}>{group ? <Users className="size-4" /> : initials(name)}</AvatarFallback>
    </Avatar>
  );
}

/**
 * Every API answer presigns the picture again (a new query string for the same object): keep the URL already
 * shown while the object is the same, so the picture does not blink back to the initials and download again.
 */
function useStableUrl(url: string | null | undefined): string | null {
  const [shown, setShown] = useState<string | null>(url ?? null);
  const object = (u: string) => u.split("?", 1)[0];
  const next = !url ? null : shown && object(shown) === object(url) ? shown : url;
  if (next !== shown) setShown(next); // adjusting state while rendering: React's pattern for derived state
  return next;
}
