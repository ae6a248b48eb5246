import { Users } from "lucide-react";

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
  return (
    <Avatar className={cn("size-9", className)} data-testid="contact-avatar">
      {url ? <AvatarImage src={url} alt={`Foto de ${name}`} className="object-cover" data-testid="contact-avatar-image" /> : null}
      <AvatarFallback className={fallbackClassName}>{group ? <Users className="size-4" /> : initials(name)}</AvatarFallback>
    </Avatar>
  );
}
