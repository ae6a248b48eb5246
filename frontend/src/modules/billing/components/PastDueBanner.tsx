import { CreditCard } from "lucide-react";
import { Link } from "react-router-dom";

import { useAuth } from "@/stores/auth";

/** On every page while a payment is past due (days left of the grace period) or the account is read-only. */
export function PastDueBanner() {
  const banner = useAuth((s) => s.billing?.banner);
  const isAdmin = useAuth((s) => s.user?.role === "admin");
  if (!banner) return null;
  const severe = banner.read_only;
  return (
    <div
      className={
        "flex shrink-0 flex-wrap items-center gap-x-3 gap-y-1 border-b px-4 py-2 text-sm " +
        (severe ? "border-red-200 bg-red-50 text-red-900" : "border-amber-200 bg-amber-50 text-amber-900")
      }
      role="alert"
      data-testid="past-due-banner"
    >
      <CreditCard className="size-4 shrink-0" aria-hidden />
      <span>{banner.message}</span>
      {isAdmin && banner.kind !== "account_suspended" ? (
        <Link to="/settings/billing" className="font-medium underline">
          Regularizar pagamento
        </Link>
      ) : null}
    </div>
  );
}
