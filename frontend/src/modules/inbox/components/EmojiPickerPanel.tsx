/** The emoji picker itself (emoji-picker-react): loaded on demand by EmojiPickerButton, so the main bundle does
 * not carry it. Native emoji (no image CDN) and the bundled Portuguese dataset: nothing is fetched. */
import EmojiPicker, { EmojiStyle, type EmojiData } from "emoji-picker-react";

const portuguese = () => import("emoji-picker-react/data/emojis-pt") as Promise<{ default: EmojiData }>;

const LABELS = {
  searchPlaceholder: "Buscar emoji",
  searchLabel: "Buscar emoji",
  searchClear: "Limpar busca",
  searchResultsNone: "Nenhum emoji encontrado",
  searchResultsOne: "1 emoji encontrado",
  searchResultsMany: "%n emojis encontrados",
  categoryNavigation: "Categorias",
  reactions: "Reações",
  expandReactions: "Mais reações",
  loading: "Carregando…",
};

export default function EmojiPickerPanel({ onPick }: { onPick: (emoji: string) => void }) {
  return (
    <EmojiPicker
      emojiStyle={EmojiStyle.NATIVE}
      emojiData={portuguese}
      labels={LABELS}
      lazyLoadEmojis
      previewConfig={{ showPreview: false }}
      width={320}
      height={380}
      onEmojiClick={(data) => onPick(data.emoji)}
    />
  );
}
