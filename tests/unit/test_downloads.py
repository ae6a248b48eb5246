from alrea.api.downloads import attachment


def test_non_latin1_names_go_in_filename_star_with_an_ascii_fallback():
    header = attachment("campanha-Promoção-Verão.csv")["Content-Disposition"]
    header.encode("latin-1")  # HTTP headers must be Latin-1: this raised before (a 502 through Mangum)
    assert 'filename="campanha-Promocao-Verao.csv"' in header
    assert "filename*=UTF-8''campanha-Promo%C3%A7%C3%A3o-Ver%C3%A3o.csv" in header


def test_quotes_and_separators_cannot_break_the_header():
    header = attachment('a"b;c.csv')["Content-Disposition"]
    assert header.startswith('attachment; filename="a-b-c.csv";')
