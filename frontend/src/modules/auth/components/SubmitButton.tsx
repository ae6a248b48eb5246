import { Loader2 } from "lucide-react";
import type { ReactNode } from "react";

import { Button } from "@/components/ui/button";

/** The one button of an account form: spins while the request runs. */
export function SubmitButton({ pending, icon, children }: { pending: boolean; icon?: ReactNode; children: ReactNode }) {
  return (
    <Button type="submit" className="w-full" disabled={pending}>
      {pending ? <Loader2 className="animate-spin" /> : icon}
      {children}
    </Button>
  );
}
