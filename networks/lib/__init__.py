"""Pure helpers below the models: dates, money, Chilean tax ids, the typology, the collaboration
graph and the text limits. They import no model and run no query."""
