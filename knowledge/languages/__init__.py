"""Questions in Ukrainian, Russian, Polish, German and French, read by the English matcher:
lemmatized (`lemmas`), mapped through the curated glossary (`glossary`) into English (`gloss`)."""
