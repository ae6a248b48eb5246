import { Download } from "lucide-react";

import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogTitle } from "@/components/ui/dialog";

/** An image at full size over the chat, with a download (the presigned URL answers as an attachment). */
export function Lightbox({
  open,
  onOpenChange,
  url,
  title,
  fileName,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  url: string;
  title: string;
  fileName?: string | null;
}) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent data-testid="lightbox" className="max-h-[95vh] gap-3 p-4 sm:max-w-4xl">
        <DialogTitle className="pr-8 text-sm">{title}</DialogTitle>
        <DialogDescription className="sr-only">Imagem ampliada da conversa</DialogDescription>
        <div className="flex min-h-0 items-center justify-center">
          <img
            src={url}
            alt={title}
            data-testid="lightbox-image"
            className="max-h-[75vh] max-w-full min-w-64 rounded-md object-contain"
          />
        </div>
        <div className="flex justify-end">
          <Button asChild variant="outline" size="sm">
            <a href={url} download={fileName ?? true} data-testid="lightbox-download">
              <Download /> Baixar
            </a>
          </Button>
        </div>
      </DialogContent>
    </Dialog>
  );
}
