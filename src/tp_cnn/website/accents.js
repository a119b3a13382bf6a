/* Search without accents, appended by accents.py to lunr.fr.min.js, which the search worker
 * of Material loads (importScripts) before it builds the index: « reseau » finds « réseau ».
 *
 * - The index: every token, after the French pipeline (stop words, and the stemmer when
 *   mkdocs.yml's search `pipeline` has it), loses its accents (NFD, combining marks removed).
 * - The query: Material adds a trailing wildcard to every term, and lunr does not run the
 *   search pipeline on a term with a wildcard: each term that lunr's query lexer reads is
 *   unaccented here, like the index's tokens. */
(function () {
  "use strict";
  var french = lunr.fr;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function unaccent(token) {
    return token.update(fold);
  }

  lunr.Pipeline.registerFunction(unaccent, "unaccent-fr");
  lunr.fr = function () {
    french.apply(this, arguments);
    this.pipeline.add(unaccent);
    this.searchPipeline.add(unaccent);
  };
  Object.keys(french).forEach(function (key) {
    lunr.fr[key] = french[key];
  });

  var emit = lunr.QueryLexer.prototype.emit;
  lunr.QueryLexer.prototype.emit = function (type) {
    emit.call(this, type);
    if (type === lunr.QueryLexer.TERM) {
      var lexeme = this.lexemes[this.lexemes.length - 1];
      lexeme.str = fold(lexeme.str);
    }
  };
})();
