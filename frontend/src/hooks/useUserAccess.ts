/**
 * Whether the signed-in tenant has a product (`flow`, `sense`, `api`, `notifications`): its plan's or an add-on
 * it bought (GET /api/me `products`). The server gates every route of a product anyway (403
 * `product_required`); this only decides what the SPA shows: the module, or an UpgradePrompt in its place.
 */
import { useAuth } from "@/stores/auth";

export type Product = "flow" | "sense" | "api" | "notifications";

export const PRODUCT_TITLES: Record<Product, string> = {
  flow: "Flow",
  sense: "Sense",
  api: "API pública",
  notifications: "Notificações",
};

export interface UserAccess {
  product: Product;
  /** True while the products are not known yet (an old session): the server still decides. */
  allowed: boolean;
  planTitle: string | null;
}

export function hasProduct(products: string[] | null | undefined, product: Product): boolean {
  return products == null || products.includes(product);
}

export function useUserAccess(product: Product): UserAccess {
  const products = useAuth((s) => s.products);
  const planTitle = useAuth((s) => s.plan?.title ?? null);
  return { product, allowed: hasProduct(products, product), planTitle };
}
