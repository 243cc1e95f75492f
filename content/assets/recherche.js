/* Site search: the header box (instant suggestions) and the results page (recherche/).
   Indexes are lunr 2.3.9 indexes built at build time by generator/recherche/index.py and
   loaded on demand: the manifest and the small indexes (places, beneficiaries, councillors, the
   newest year's deliberation titles) when the box gets focus; on the results page, the years'
   titles, each recueil's grants and full text and the vocabulary of its annexes (the terms of each
   part and their counts), in decreasing order of the best score the term directory says they may
   give the query. Titles, full text, grants and annex parts are scored alike whatever their shard
   (generator/recherche/classement.py), so results are ranked by relevance across years. Words are
   normalised exactly as in generator/recherche/index.py (accents, ligatures, elisions, « st » →
   « saint », stop words) and stemmed by the same Snowball French stemmer (recherche/racine-fr.js),
   so a query finds what the index holds. No request leaves the site. */
(function () {
  "use strict";
  var script = document.currentScript;
  var RACINE = new URL("../", script.src).href;  // this file is assets/recherche.js
  var DOSSIER = RACINE + "recherche/";
  var LIBELLES = { commune: "Commune", canton: "Canton", epci: "Intercommunalité", territoire: "Territoire",
    beneficiaire: "Bénéficiaire", elu: "Élu(e)", deliberation: "Délibération", annexe: "Annexe", subvention: "Subvention" };
  var LIEUX = { commune: 1, canton: 1, epci: 1, territoire: 1 };

  /* ---- French normalisation: keep identical to generator/recherche.py ---- */
  var APOSTROPHES = /[\u2019\u2018\u02bc`\u00b4\u2032]/g;
  var DIACRITIQUES = /[\u0300-\u036f]/g;
  var LIGATURES = { "œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l" };
  var LIGATURE = /[œæßøđł]/g;
  var ELISION = /^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)'(?=.)/;
  var MOT = /[a-z0-9']+/g;
  var motsVides = {}, synonymes = {}, bm25 = null;

  function plier(texte) {
    return String(texte).replace(APOSTROPHES, "'").normalize("NFKD").replace(DIACRITIQUES, "").toLowerCase()
      .replace(LIGATURE, function (l) { return LIGATURES[l]; });
  }
  function mots(texte) {
    var out = [], bruts = plier(texte || "").match(MOT) || [];
    bruts.forEach(function (brut) {
      brut.replace(ELISION, "").split("'").forEach(function (m) {
        if (m) out.push(Object.prototype.hasOwnProperty.call(synonymes, m) ? synonymes[m] : m);
      });
    });
    return out;
  }
  function termes(texte) {
    return mots(texte).filter(function (m) { return !motsVides[m]; }).map(function (m) { return window.rpcRacineFr(m); });
  }

  /* ---- loading ---- */
  var caches = {};
  function json(url, options) {
    if (!caches[url]) {
      caches[url] = fetch(url, options).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status + " " + url);
        return r.json();
      });
      caches[url].catch(function () { delete caches[url]; });
    }
    return caches[url];
  }
  function scriptSrc(src) {
    return new Promise(function (ok, ko) {
      var s = document.createElement("script");
      s.src = src; s.async = true; s.onload = ok; s.onerror = function () { ko(new Error("script " + src)); };
      document.head.appendChild(s);
    });
  }
  var moteur = null;
  function demarrer() {
    if (!moteur) {
      moteur = Promise.all([
        scriptSrc(DOSSIER + "lunr.js").then(function () { return scriptSrc(DOSSIER + "racine-fr.js"); }),
        json(DOSSIER + "manifeste.json", { cache: "no-cache" })
      ]).then(function (r) {
        var m = r[1];
        m.mots_vides.forEach(function (w) { motsVides[w] = true; });
        synonymes = m.synonymes;
        bm25 = m.bm25;
        var lunr = window.lunr;
        lunr.Pipeline.registerFunction(function (token) {
          return token.update(function (s) { return window.rpcRacineFr(s); });
        }, "racine-fr");
        lunr.Pipeline.registerFunction(function (token) { return motsVides[token.toString()] ? undefined : token; }, "mots-vides-fr");
        return m;
      });
      moteur.catch(function () { moteur = null; });
    }
    return moteur;
  }
  var index = {};
  function morceau(fichier) {
    if (!index[fichier]) {
      index[fichier] = fetch(DOSSIER + fichier).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status + " " + fichier);
        return r.text();
      }).then(function (texte) {
        var data = JSON.parse(texte), ser = data.index, champs = ser.fields;
        ser.invertedIndex.forEach(function (e) {  // put back the empty postings the build leaves out
          champs.forEach(function (c) { if (!e[1][c]) e[1][c] = {}; });
        });
        return { idx: window.lunr.Index.load(ser), docs: data.docs || null, taille: texte.length };
      });
      index[fichier].catch(function () { delete index[fichier]; });
    }
    return index[fichier];
  }

  /* An annex vocabulary (generator/recherche/index.py, vocabulaire_annexes): {docs: parts, termes: "term term…"
     (sorted), parties: ["3 1:4 12…", …], longueurs: [terms of each part]}: each part lists the numbers of its
     terms in termes, as gaps from the previous one, with ":count" when the term is there more than once. */
  var vocabulaires = {};
  function vocabulaire(fichier) {
    if (!vocabulaires[fichier]) {
      vocabulaires[fichier] = fetch(DOSSIER + fichier).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status + " " + fichier);
        return r.text();
      }).then(function (texte) {
        var data = JSON.parse(texte);
        var parties = data.parties.map(function (p, k) {
          var n = 0, numeros = [], tfs = [];
          if (p) p.split(" ").forEach(function (e) {
            var i = e.indexOf(":");
            n += +(i < 0 ? e : e.slice(0, i));
            numeros.push(n); tfs.push(i < 0 ? 1 : +e.slice(i + 1));
          });
          return { numeros: numeros, tfs: tfs, longueur: data.longueurs[k] };
        });
        return { termes: data.termes ? data.termes.split(" ") : [], parties: parties, docs: data.docs, taille: texte.length };
      });
      vocabulaires[fichier].catch(function () { delete vocabulaires[fichier]; });
    }
    return vocabulaires[fichier];
  }

  /* ---- term directory (generator/recherche/repertoire.py): which sources (a year's titles, a recueil's chunks, its
     annexes) can hold every word, an upper bound of the query's score in each, and the terms' idf ---- */
  function borneTerme(entree, p) {  // entree: [idf, source, bound, …, (-1, bound of every older source)]
    for (var i = 1; i < entree.length; i += 2) {
      if (entree[i] === p) return entree[i + 1];
      if (entree[i] === -1) return p > entree[i - 2] ? entree[i + 1] : 0;
    }
    return 0;
  }
  function candidats(m, a) {
    if (!m.repertoire || !a.mots.length) return Promise.resolve(null);
    var noms = {}, libre = false;
    a.mots.forEach(function (w) {
      w.racines.forEach(function (r) { noms[r.slice(0, 2)] = true; });
      if (w.prefixe) { if (w.mot.length < 2) libre = true; else noms[w.mot.slice(0, 2)] = true; }
    });
    if (libre) return Promise.resolve(null);  // a one-letter prefix: no useful restriction
    return Promise.all(Object.keys(noms).map(function (p) {
      return json(DOSSIER + "repertoire/" + p + ".json?v=" + m.repertoire.version).catch(function (err) {
        if (/HTTP 404/.test(err.message)) return {};  // no term starts with these letters
        throw err;
      }).then(function (d) { return [p, d]; });
    })).then(function (paires) {
      var rep = {}, entrees = {}, idf = {};
      paires.forEach(function (x) { rep[x[0]] = x[1]; });
      var parMot = a.mots.map(function (w) {  // the directory's terms each word can match
        var ts = [];
        w.racines.forEach(function (r) { if ((rep[r.slice(0, 2)] || {})[r]) ts.push(r); });
        if (w.prefixe) {
          var d = rep[w.mot.slice(0, 2)] || {};
          Object.keys(d).forEach(function (t) { if (t.indexOf(w.mot) === 0 && ts.indexOf(t) < 0) ts.push(t); });
        }
        ts.forEach(function (t) { entrees[t] = rep[t.slice(0, 2)][t]; idf[t] = entrees[t][0]; });
        return ts;
      });
      var poids = {};
      Object.keys(entrees).forEach(function (t) { poids[t] = boostTerme(a, t) * (idf[t] / 100); });
      return {
        idf: idf,
        accepte: function (p) { return parMot.every(function (ts) { return ts.some(function (t) { return borneTerme(entrees[t], p) > 0; }); }); },
        /* No document of source p scores more for the query than the first number (classement.py); the second
           takes a tenth off each term's bound, the most its rounding up may have added: a source whose
           documents cannot beat a result by more than that rounding is not waited for. */
        bornes: function (p) {
          var b = [0, 0];
          Object.keys(entrees).forEach(function (t) {
            var x = borneTerme(entrees[t], p);
            if (x) { b[0] += poids[t] * x / 10; b[1] += poids[t] * (x - 1) / 10; }
          });
          return b;
        }
      };
    });
  }

  /* ---- querying ---- */
  var NUMERO = /(?:^|[^0-9])((?:19|20)[0-9]{2})\s*[-\/]\s*([0-9]{1,4})(?![0-9])/;
  /* The stems a query word is looked up under: its own, and its plural's or singular's where Snowball
     keeps them apart (ami/amis, jeu/jeux, vélo/vélos); same rule as variantes() in generator/recherche.py. */
  function variantes(m) {
    var autres = [];
    if (m.length >= 3 && !/^[0-9]+$/.test(m)) {
      if (/[sx]$/.test(m)) { if (m.length >= 4) autres.push(m.slice(0, -1)); }
      else { autres.push(m + "s"); if (/(?:au|eu)$/.test(m)) autres.push(m + "x"); }
    }
    var out = [window.rpcRacineFr(m)];
    autres.forEach(function (v) {
      if (motsVides[v]) return;
      var r = window.rpcRacineFr(v);
      if (out.indexOf(r) < 0) out.push(r);
    });
    return out;
  }
  function analyser(q) {
    var tous = mots(q), significatifs = tous.filter(function (m) { return !motsVides[m]; });
    var enCours = !/[\s'’\-.,;:!?)»"]$/.test(q);  // the last word is still being typed: match it as a prefix
    var dernier = tous.length ? tous[tous.length - 1] : null;
    var numero = NUMERO.exec(q);
    return {
      texte: q,
      mots: significatifs.map(function (m, i) {
        var racines = variantes(m);
        return { mot: m, racine: racines[0], racines: racines, prefixe: enCours && i === significatifs.length - 1 && m === dernier };
      }),
      numero: numero ? { annee: numero[1], id: numero[1] + "-" + String(parseInt(numero[2], 10)) } : null
    };
  }
  /* Scores comparable across shards (generator/recherche/classement.py, same operations in the same order):
     over the matched terms in sorted order, Σ boost × idf × weight, the weight of a term in all fields added. */
  function boostTerme(a, t) {
    var b = 0;
    a.mots.forEach(function (m) {
      m.racines.forEach(function (r, i) { if (t === r) b += i ? 0.5 : 1; });
      if (m.prefixe && t.indexOf(m.mot) === 0) b += 0.1;
    });
    return b;
  }
  function score(a, termes, idf) {
    var s = 0;
    Object.keys(termes).sort().forEach(function (t) {
      s += boostTerme(a, t) * ((idf && idf[t] !== undefined ? idf[t] : 100) / 100) * termes[t];
    });
    return s;
  }
  function poidsLunr(entree, r) {  // {matched term: its weights in r's fields added, in the index's order of fields}
    var idx = entree.idx, out = {};
    Object.keys(r.matchData.metadata).forEach(function (t) {
      var ti = idx.invertedIndex[t]._index, w = 0, vu = false;
      idx.fields.forEach(function (f) {
        var v = idx.fieldVectors[f + "/" + r.ref];
        var pos = v ? v.positionForIndex(ti) : -1;
        if (pos >= 0 && v.elements[pos] === ti) { w = vu ? w + v.elements[pos + 1] : v.elements[pos + 1]; vu = true; }
      });
      out[t] = w;
    });
    return out;
  }
  /* Every significant word must match (its stem, or as a prefix while it is typed); best first by lunr's score
     (in a ranked shard, with the directory's idf: each result's `score`). */
  function chercher(entree, a, idf) {
    if (!a.mots.length) return [];
    var lunr = window.lunr;
    var res = entree.idx.query(function (q) {
      a.mots.forEach(function (m) {
        m.racines.forEach(function (r, i) { q.term(r, { usePipeline: false, boost: i ? 5 : 10 }); });
        if (m.prefixe) q.term(m.mot, { usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING, boost: 1 });
      });
    });
    res = res.filter(function (r) {
      var trouves = Object.keys(r.matchData.metadata);
      return a.mots.every(function (m) {
        return trouves.some(function (t) { return m.racines.indexOf(t) >= 0 || (m.prefixe && t.indexOf(m.mot) === 0); });
      });
    });
    if (idf) res.forEach(function (r) { r.score = score(a, poidsLunr(entree, r), idf); });
    return res;
  }
  /* First position in the sorted list `liste` of a value >= x (terms are [a-z0-9]: JavaScript orders them as Python does). */
  function rang(liste, x) {
    var bas = 0, haut = liste.length;
    while (bas < haut) { var m = (bas + haut) >> 1; if (liste[m] < x) bas = m + 1; else haut = m; }
    return bas;
  }
  /* The annex parts holding every significant word (one of its stems, or as a prefix), in the file's order, with
     their score. A word is a set of ranges of term numbers (each stem; the terms starting with the prefix); a
     part holds it when one of its term numbers falls in one of them. */
  function chercherAnnexes(v, a, idf) {
    if (!a.mots.length) return [];
    var plages = a.mots.map(function (m) {
      var p = m.racines.map(function (r) { var k = rang(v.termes, r); return v.termes[k] === r ? [k, k + 1] : null; });
      if (m.prefixe) {
        var debut = rang(v.termes, m.mot), fin = debut;
        while (fin < v.termes.length && v.termes[fin].indexOf(m.mot) === 0) fin++;
        p.push([debut, fin]);
      }
      return p.filter(function (x) { return x && x[0] < x[1]; });
    });
    if (plages.some(function (p) { return !p.length; })) return [];  // a word in none of these annexes
    var out = [], moyenne = bm25.annexes, k1 = bm25.k1, b = bm25.b;
    v.parties.forEach(function (partie, k) {
      var numeros = partie.numeros;
      if (plages.every(function (p) { return p.some(function (x) { var i = rang(numeros, x[0]); return i < numeros.length && numeros[i] < x[1]; }); })) {
        var termes = {};
        plages.forEach(function (p) {
          p.forEach(function (x) {
            for (var i = rang(numeros, x[0]); i < numeros.length && numeros[i] < x[1]; i++) {  // classement.poids
              termes[v.termes[numeros[i]]] = (k1 + 1) * partie.tfs[i] / (k1 * (1 - b + b * (partie.longueur / moyenne)) + partie.tfs[i]);
            }
          });
        });
        out.push({ ref: String(k), score: score(a, termes, idf) });
      }
    });
    return out;
  }

  /* ---- rendering ---- */
  function el(tag, attrs, enfants) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "texte") e.textContent = attrs[k]; else if (attrs[k] !== null && attrs[k] !== undefined) e.setAttribute(k, attrs[k]);
    });
    (enfants || []).forEach(function (c) { if (c) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  function lien(url, texte) { return url ? el("a", { href: RACINE + url, texte: texte }) : el("span", { texte: texte }); }
  /* A result: {type, titre, url, details: [text or {texte, url}], annee} from a display row. */
  function resultat(row) {
    var t = row[0];
    if (LIEUX[t]) return { type: t, titre: row[1], url: row[2], details: [row[3]] };
    if (t === "elu") return { type: t, titre: row[1], url: row[2], details: [row[3]] };
    if (t === "beneficiaire") return { type: t, titre: row[1], url: row[2], details: [row[3]], annees: row[4] };
    if (t === "deliberation") return { type: t, titre: row[2], url: row[3], numero: row[1], details: ["N° " + row[1], row[4], row[5]] };
    if (t === "annexe") return { type: t, titre: "Annexe " + row[6] + " de la délibération " + row[3], url: row[2],
      parties: [{ numero: row[7], url: row[2] }], nParties: row[8],
      details: [row[1], { texte: row[5] || "délibération " + row[3], url: "deliberations/" + row[3] + "/" }, row[4]] };
    return { type: t, titre: row[1], url: "deliberations/" + row[8] + "/#subventions", montant: row[2],
      details: [{ texte: row[3], url: row[4] }, row[5] ? { texte: row[5], url: row[6] } : null, row[7], { texte: "délibération " + row[8], url: "deliberations/" + row[8] + "/" }, row[9]] };
  }
  function ligneDetails(r) {
    var p = el("span", { "class": "rpc-r-details" });
    if (r.montant) p.appendChild(el("strong", { "class": "rpc-r-montant", texte: r.montant }));
    r.details.forEach(function (d) {
      if (!d || (typeof d === "object" && !d.texte)) return;
      if (p.childNodes.length) p.appendChild(document.createTextNode(" · "));
      p.appendChild(typeof d === "string" ? document.createTextNode(d) : lien(d.url, d.texte));
    });
    return p;
  }

  /* ---- header box: instant suggestions (ARIA combobox) ---- */
  function boite(form) {
    var input = form.querySelector("input[name=q]");
    var liste = form.querySelector("[role=listbox]");
    var statut = form.querySelector("[data-rpc-statut]");
    var ouvrir = document.querySelector("[data-rpc-ouvrir]");
    var options = [], actif = -1, generation = 0, minuterie = null;

    if (ouvrir) {  // phone: the magnifier (a link to the search page without JavaScript) shows the box
      ouvrir.setAttribute("role", "button");
      ouvrir.setAttribute("aria-expanded", "false");
      ouvrir.setAttribute("aria-controls", form.id);
      ouvrir.addEventListener("click", function (ev) {
        ev.preventDefault();
        var ouverte = form.classList.toggle("rpc-boite--ouverte");
        ouvrir.setAttribute("aria-expanded", String(ouverte));
        if (ouverte) input.focus();
      });
    }
    function fermer() {
      generation += 1;  // an answer still on its way must not reopen the list
      liste.hidden = true; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); actif = -1;
    }
    function activer(i) {
      if (actif >= 0 && options[actif]) options[actif].setAttribute("aria-selected", "false");
      actif = i;
      if (i >= 0 && options[i]) {
        options[i].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[i].id);
        options[i].scrollIntoView({ block: "nearest" });
      } else input.removeAttribute("aria-activedescendant");
    }
    function afficher(resultats, q) {
      liste.textContent = ""; options = [];
      var tout = resultats.concat([{ type: "tout", titre: "Tous les résultats pour « " + q + " »", url: "recherche/?q=" + encodeURIComponent(q), details: [] }]);
      tout.forEach(function (r, i) {
        // options hold no link (an option is not a container of controls): choosing one opens data-href
        var li = el("li", { role: "option", id: input.id + "-option-" + i, "aria-selected": "false", "class": "rpc-s rpc-s-" + r.type,
                            "data-href": RACINE + r.url }, [
          r.type !== "tout" ? el("span", { "class": "rpc-r-type", texte: LIBELLES[r.type] }) : null,
          el("span", { "class": "rpc-r-titre", texte: r.titre }),
          r.details.length || r.montant ? ligneDetails({ details: r.details.map(function (d) { return d && d.texte ? d.texte : d; }), montant: r.montant }) : null
        ]);
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); });  // keep focus in the input
        li.addEventListener("click", function () { window.location.href = li.getAttribute("data-href"); });
        liste.appendChild(li); options.push(li);
      });
      liste.hidden = false; input.setAttribute("aria-expanded", "true"); actif = -1;
      statut.textContent = resultats.length ? resultats.length + " suggestion" + (resultats.length > 1 ? "s" : "") + ", flèches haut et bas pour choisir"
        : "Aucune suggestion ; Entrée pour chercher dans tout le site";
    }
    function suggerer() {
      var q = input.value.trim(), gen = ++generation;
      if (!q) { fermer(); statut.textContent = ""; return; }
      demarrer().then(function (m) {
        var a = analyser(input.value), recente = m.annees[0];
        var attentes = [morceau(m.lieux.fichier), morceau(m.beneficiaires.fichier)];
        attentes.push(recente ? morceau(recente.deliberations) : Promise.resolve(null));
        var an = a.numero && m.annees.filter(function (x) { return x.annee === a.numero.annee; })[0];
        attentes.push(an ? morceau(an.deliberations) : Promise.resolve(null));
        attentes.push(m.elus ? morceau(m.elus.fichier) : Promise.resolve(null));  // councillors (a manifest before them has none)
        return Promise.all(attentes).then(function (e) {
          if (gen !== generation) return;
          var out = [];
          if (e[3]) e[3].docs.forEach(function (row) { if (row[1] === a.numero.id) out.push(resultat(row)); });
          chercher(e[0], a).slice(0, 5).forEach(function (r) { out.push(resultat(e[0].docs[+r.ref])); });
          if (e[4]) chercher(e[4], a).slice(0, 3).forEach(function (r) { out.push(resultat(e[4].docs[+r.ref])); });
          chercher(e[1], a).slice(0, 3).forEach(function (r) { out.push(resultat(e[1].docs[+r.ref])); });
          if (e[2]) chercher(e[2], a).slice(0, 3).forEach(function (r) {
            var row = e[2].docs[+r.ref];
            if (!a.numero || row[1] !== a.numero.id) out.push(resultat(row));
          });
          afficher(out, q);
        });
      }).catch(function () { if (gen === generation) statut.textContent = "La recherche n'a pas pu se charger."; });
    }
    input.addEventListener("focus", function () { demarrer(); });
    input.addEventListener("input", function () { clearTimeout(minuterie); minuterie = setTimeout(suggerer, 60); });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        if (liste.hidden) { if (input.value.trim()) suggerer(); return; }
        ev.preventDefault();
        var n = options.length, i = actif + (ev.key === "ArrowDown" ? 1 : -1);
        activer(i < 0 ? n - 1 : i >= n ? 0 : i);
      } else if (ev.key === "Enter" && actif >= 0 && !liste.hidden) {
        ev.preventDefault();
        window.location.href = options[actif].getAttribute("data-href");
      } else if (ev.key === "Escape") {
        if (!liste.hidden) { fermer(); ev.preventDefault(); }
        else if (input.value) { input.value = ""; statut.textContent = ""; }
        else if (ouvrir && form.classList.contains("rpc-boite--ouverte")) { form.classList.remove("rpc-boite--ouverte"); ouvrir.setAttribute("aria-expanded", "false"); ouvrir.focus(); }
      }
    });
    form.addEventListener("focusout", function (ev) { if (!form.contains(ev.relatedTarget)) fermer(); });
    form.addEventListener("submit", function (ev) { if (!input.value.trim()) ev.preventDefault(); });
  }

  /* « mots trouvés dans cette annexe », or in which of its parts (each a page of its own, linked). */
  function noteAnnexe(r) {
    if (r.nParties <= 1) return el("span", { "class": "rpc-r-note", texte: "mots trouvés dans cette annexe" });
    var note = el("span", { "class": "rpc-r-note rpc-r-parties" }, [(r.parties.length > 1 ? "mots trouvés dans les parties" : "mots trouvés dans la partie")
      + " (sur " + r.nParties + ") :"]);
    r.parties.forEach(function (p) {
      note.appendChild(document.createTextNode(" "));
      note.appendChild(el("a", { href: RACINE + p.url, "aria-label": "partie " + p.numero + " : " + r.titre, texte: String(p.numero) }));
    });
    return note;
  }

  /* ---- results page: filters by type and year, sources read best first, results ranked by score ---- */
  var PAR_PAGE = 50, ASSEZ = 20, AUTO_OCTETS = 4000000, RENDU_MS = 1500;
  function pageResultats(form) {
    var input = form.querySelector("input[type=search]");
    var annee = form.querySelector("select[name=annee]");
    var zone = document.getElementById("rpc-resultats"), statut = document.getElementById("rpc-resultats-statut");
    var plus = document.getElementById("rpc-resultats-plus");
    var etat = null, minuterie = null;

    function typeChoisi() { var r = form.querySelector("input[name=type]:checked"); return r ? r.value : ""; }
    function lireUrl() {
      var p = new URLSearchParams(window.location.search);
      input.value = p.get("q") || "";
      var t = form.querySelector("input[name=type][value='" + (p.get("type") || "") + "']");
      if (t) t.checked = true;
      annee.value = p.get("annee") || "";
      if (annee.value !== (p.get("annee") || "")) annee.value = "";
    }
    function ecrireUrl() {
      var p = new URLSearchParams();
      if (input.value.trim()) p.set("q", input.value.trim());
      if (typeChoisi()) p.set("type", typeChoisi());
      if (annee.value) p.set("annee", annee.value);
      var s = p.toString();
      history.replaceState(null, "", window.location.pathname + (s ? "?" + s : ""));
    }
    /* Results come in shard after shard; the page must not jump while they do (a layout shift moves
       what the reader is looking at). So: nothing is shown until the first results are settled (the
       automatic reading ended, or RENDU_MS passed, or — grants, deliberations — no shard left to read
       can give a better one: `nombreAcquis`), then the sections come in their order (places,
       beneficiaries, grants, deliberations); a section's results not shown yet are kept in order of
       score (`inserer`); after that, only the last section on the page grows,
       a section found later is added below the others, and a section with sections below it keeps
       its new results behind its « Afficher N de plus » button, on a line each section keeps for it
       from the start (.rpc-suite). Nothing above what is read ever moves by itself. */
    function section(cle, titre) {
      return { cle: cle, titre: titre, el: null, liste: null, compte: null, suite: null, items: [], montres: 0, bouton: null };
    }
    function placer(e, sec) {  // the section's element, added at the end of the results
      var cle = sec.cle;
      sec.el = el("section", { "class": "rpc-resultats-section", "aria-labelledby": "rpc-h-" + cle }, [
        el("h2", { id: "rpc-h-" + cle }, [sec.titre, el("span", { "class": "rpc-compte" })]),
        el("ol", { "class": "rpc-resultats-liste" }),
        el("div", { "class": "rpc-suite" })
      ]);
      sec.liste = sec.el.querySelector("ol"); sec.compte = sec.el.querySelector(".rpc-compte"); sec.suite = sec.el.querySelector(".rpc-suite");
      zone.appendChild(sec.el);
    }
    function derniere(sec) { return sec.el && !sec.el.nextElementSibling; }
    /* Results of grants and deliberations are settled, and shown before the reading ends, once no shard still to
       read can give a better one (its bound), the sections above them being complete: the first result comes
       as soon as it is known to be the best. */
    function nombreAcquis(e, sec) {
      if (sec.cle !== "subvention" && sec.cle !== "deliberation") return 0;
      if (!e.idf || !e.premiers) return 0;
      var b = enAttente(e, sec.cle), n = sec.montres;
      while (n < sec.items.length && sec.items[n].score >= b) n++;
      return n;
    }
    /* Render the section's results up to `jusqua` (asked by its button), or by itself up to PAR_PAGE
       while it is the last section on the page; never re-renders shown ones. */
    function montrer(e, sec, jusqua) {
      var acquis = e.rendu || sec.complete ? null : nombreAcquis(e, sec);
      if (!(e.rendu || sec.complete || acquis) || !sec.items.length) return;
      if (!sec.el) placer(e, sec);
      var fin = jusqua ? Math.min(sec.items.length, jusqua)
        : derniere(sec) ? Math.min(sec.items.length, Math.max(sec.montres, PAR_PAGE)) : sec.montres;
      if (acquis !== null && !jusqua) fin = Math.min(fin, acquis);
      for (var i = sec.montres; i < fin; i++) {
        var r = sec.items[i];
        sec.liste.appendChild(el("li", { "class": "rpc-r rpc-r-" + r.type }, [
          el("span", { "class": "rpc-r-type", texte: LIBELLES[r.type] }),
          el("a", { "class": "rpc-r-titre", href: RACINE + r.url, texte: r.titre }),
          r.texteSeul ? el("span", { "class": "rpc-r-note", texte: "mots trouvés dans les articles ou le rapport" }) : null,
          r.type === "annexe" ? noteAnnexe(r) : null,
          ligneDetails(r)
        ]));
      }
      sec.montres = Math.max(sec.montres, fin);
      sec.compte.textContent = " (" + sec.items.length + ")";
      var reste = sec.items.length - sec.montres;
      if (reste > 0 && !sec.bouton) {
        sec.bouton = el("button", { type: "button", "class": "md-button rpc-voir-plus" });
        sec.bouton.addEventListener("click", function () {
          var premier = sec.montres;
          montrer(e, sec, sec.montres + PAR_PAGE);
          var a = sec.liste.children[premier] && sec.liste.children[premier].querySelector("a");
          if (a) a.focus();  // keyboard users land on the first newly shown result
        });
        sec.suite.appendChild(sec.bouton);
      }
      if (sec.bouton) {
        sec.bouton.hidden = reste <= 0;
        sec.bouton.textContent = "Afficher " + Math.min(reste, PAR_PAGE) + " de plus (" + reste + " non affichés)";
      }
    }
    function rendre(e) {  // the first results on the page, in the sections' order
      if (e !== etat || e.rendu) return;
      e.rendu = true;
      e.ordre.forEach(function (sec) { montrer(e, sec); });
    }
    /* The status line is a polite live region: while shards load it changes at most every 1.5 s, so a
       screen reader is not flooded; the final count is always announced. */
    var dernierAnnonce = 0, annonceDifferee = null;
    function annoncer() {
      if (!etat) return;
      var occupe = etat.enCours || etat.attente > 0;
      if (!occupe) rendre(etat);  // the automatic reading ended: the results are settled
      clearTimeout(annonceDifferee);
      if (occupe && Date.now() - dernierAnnonce < 1500) { annonceDifferee = setTimeout(annoncer, 1500); return; }
      dernierAnnonce = Date.now();
      var n = etat.total, fini = !etat.taches.length;
      fini = fini && !etat.enCours && !(etat.attente > 0);
      var txt = n === 0 && fini ? "Aucun résultat pour « " + etat.q + " »." : n + " résultat" + (n > 1 ? "s" : "") + " pour « " + etat.q + " »";
      if (etat.annees.length) txt += (n === 0 && fini ? " " : " — ") + "années parcourues : " + etat.annees.slice().sort().reverse().join(", ");
      if (etat.enCours || etat.attente > 0) txt += " ; recherche en cours…";
      else if (!fini) txt += ".";
      statut.textContent = txt;
      plus.hidden = fini || etat.enCours || etat.attente > 0;
      if (!plus.hidden) {  // the years still to read, newest first (« suite de » one partly read)
        var restes = [];
        etat.taches.forEach(function (t) { if (restes.indexOf(t.annee) < 0) restes.push(t.annee); });
        plus.textContent = "Chercher plus loin (" + restes.sort().reverse().map(function (y) {
          return (etat.annees.indexOf(y) >= 0 ? "suite de " : "") + y;
        }).join(", ") + ")";
      }
    }
    function lancer() {
      var q = input.value.trim(), t = typeChoisi(), an = annee.value;
      zone.textContent = ""; plus.hidden = true;
      if (!q) { statut.textContent = "Tapez un nom de commune, de bénéficiaire, un numéro de délibération ou des mots."; etat = null; return; }
      var e = etat = { q: q, total: 0, annees: [], taches: [], enCours: false, attente: 0, vus: {}, sections: {}, ordre: [], rendu: false,
                       octets: 0, limite: AUTO_OCTETS };
      statut.textContent = "Recherche de « " + q + " »…";
      demarrer().then(function (m) {
        if (e !== etat) return;
        var a = analyser(q);
        e.a = a;
        if (!t || t === "lieu") e.sections.lieu = section("lieu", "Lieux");
        if (!t || t === "beneficiaire") e.sections.beneficiaire = section("beneficiaire", "Bénéficiaires");
        if ((!t || t === "elu") && m.elus) e.sections.elu = section("elu", "Élus");
        if (!t || t === "subvention") e.sections.subvention = section("subvention", "Subventions");
        if (!t || t === "deliberation") e.sections.deliberation = section("deliberation", "Délibérations et annexes");
        e.ordre = ["lieu", "beneficiaire", "elu", "subvention", "deliberation"].map(function (k) { return e.sections[k]; }).filter(Boolean);
        setTimeout(function () { rendre(e); }, RENDU_MS);
        var premiers = [];
        if (e.sections.lieu && !an) premiers.push(morceau(m.lieux.fichier).then(function (x) { ajouter(e, "lieu", x, chercher(x, a)); }));
        if (e.sections.elu && !an) premiers.push(morceau(m.elus.fichier).then(function (x) { ajouter(e, "elu", x, chercher(x, a)); }));
        if (e.sections.beneficiaire) premiers.push(morceau(m.beneficiaires.fichier).then(function (x) {
          ajouter(e, "beneficiaire", x, chercher(x, a).filter(function (r) { return !an || x.docs[+r.ref][4].indexOf(an) >= 0; }));
        }));
        e.attente = premiers.length + 1;  // + the directory
        premiers = premiers.map(function (p) { return p.then(function () { e.attente -= 1; annoncer(); }); });
        /* Places, beneficiaries and councillors come from shards of all years: once they are in, their
           sections are complete and come first, so they are shown at once (the commune's page first),
           without waiting for the grants and deliberations read year after year, which come below them. */
        Promise.all(premiers).then(function () {
          e.premiers = true;
          if (e !== etat || e.rendu) return;
          ["lieu", "beneficiaire", "elu"].forEach(function (k) {
            var sec = e.sections[k];
            if (sec) { sec.complete = true; montrer(e, sec); }
          });
          ["subvention", "deliberation"].forEach(function (k) { if (e.sections[k]) montrer(e, e.sections[k]); });  // settled ones
        });
        var annees = m.annees.filter(function (y) { return !an || y.annee === an; });
        if (a.numero && !an) {  // the year of a deliberation number comes first
          annees = annees.filter(function (y) { return y.annee === a.numero.annee; }).concat(annees.filter(function (y) { return y.annee !== a.numero.annee; }));
        }
        var taches = candidats(m, a).catch(function () { return null; }).then(function (rep) {
          e.attente -= 1;
          if (e !== etat) return;
          var accepte = rep && rep.accepte;
          e.idf = rep ? rep.idf : {};
          function tache(y, sorte, fichier, position) {  // best first: the query's bound in its source, then newest first
            var numero = sorte === "titres" && a.numero && a.numero.annee === y.annee;
            var b = !rep || numero || position === undefined ? [Infinity, Infinity] : rep.bornes(position);
            e.taches.push({ annee: y.annee, sorte: sorte, fichier: fichier, rang: e.taches.length, borne: b[0], plancher: b[1] });
          }
          annees.forEach(function (y) {  // a year: its titles, then each recueil, that may hold every word
            var titres = !accepte || y.position_titres === undefined || accepte(y.position_titres) || (a.numero && a.numero.annee === y.annee);
            if (e.sections.deliberation && titres) tache(y, "titres", y.deliberations, y.position_titres);
            y.lots.forEach(function (lot) {
              if (e.sections.deliberation && (!accepte || accepte(lot.position))) lot.textes.forEach(function (f) { tache(y, "textes", f, lot.position); });
              if (e.sections.subvention && lot.subventions.length && (!accepte || accepte(lot.position_subventions))) {
                lot.subventions.forEach(function (f) { tache(y, "subventions", f, lot.position_subventions); });
              }
              if (e.sections.deliberation && lot.annexes.length && (!accepte || accepte(lot.position_annexes))) {
                lot.annexes.forEach(function (f) { tache(y, "annexes", f, lot.position_annexes); });
              }
            });
          });
          e.taches.sort(function (p, q) { return q.borne - p.borne || p.rang - q.rang; });
          return suite(e, false);
        });
        return Promise.all(premiers.concat([taches]));
      }).catch(function () { if (e === etat) statut.textContent = "La recherche n'a pas pu se charger."; });
    }
    /* The score the ASSEZ-th result of a section must beat (none while it has fewer), and the best score a shard
       still to read may give it (its bound less the rounding, `bornes`; the one being read counts). */
    function seuil(e, cle) {
      var sec = e.sections[cle];
      if (!sec || sec.items.length < ASSEZ) return -Infinity;
      return sec.items.map(function (r) { return r.score; }).sort(function (p, q) { return q - p; })[ASSEZ - 1];
    }
    function cleTache(t) { return t.sorte === "subventions" ? "subvention" : "deliberation"; }
    function enAttente(e, cle) {
      var b = -Infinity;
      e.taches.concat(e.enVol ? [e.enVol] : []).forEach(function (t) { if (cleTache(t) === cle && t.plancher > b) b = t.plancher; });
      return b;
    }
    /* Read the queued shards, best bound first, while one of them may still give a section one of its ASSEZ best
       results and less than AUTO_OCTETS have been read; the reader asks for more (button, or scrolling to the
       end of the list): the next shards in that order, AUTO_OCTETS more. */
    function suite(e, demande) {
      if (e !== etat || e.enCours) return Promise.resolve();
      if (!e.taches.length) { annoncer(); return Promise.resolve(); }
      if (demande) e.limite = e.octets + AUTO_OCTETS;
      e.enCours = true; annoncer();
      function prochaine() {
        if (e !== etat) return Promise.resolve();
        var i = 0;
        if (e.annees.length && e.octets >= e.limite) return Promise.resolve();
        function utile(t) {  // may give one of the ASSEZ best (a source of unknown bound: while there are fewer)
          var s = seuil(e, cleTache(t));
          return s === -Infinity || (t.plancher !== Infinity && t.plancher > s);
        }
        if (!demande) while (i < e.taches.length && !utile(e.taches[i])) i++;
        var t = e.taches[i];
        if (!t) return Promise.resolve();
        e.taches.splice(i, 1);
        e.enVol = t;
        return (t.sorte === "annexes" ? vocabulaire : morceau)(t.fichier).then(function (x) {
          if (e !== etat) return;
          if (e.annees.indexOf(t.annee) < 0) e.annees.push(t.annee);
          e.octets += x.taille;
          var docs = x.docs;
          var res = t.sorte === "annexes" ? chercherAnnexes(x, e.a, e.idf) : chercher(x, e.a, e.idf);
          if (t.sorte === "titres" && e.a.numero) {  // the deliberation whose number was typed comes first
            docs.forEach(function (row, i) {
              if (row[1] !== e.a.numero.id) return;
              var r = res.filter(function (r) { return +r.ref === i; })[0];
              if (r) r.score = Infinity; else res.unshift({ ref: String(i), score: Infinity });
            });
          }
          e.enVol = null;
          ajouter(e, cleTache(t), { docs: docs }, res, t);
        }).then(prochaine);
      }
      return prochaine().then(function () { e.enCours = false; annoncer(); }, function (err) { e.enCours = false; throw err; });
    }
    function ajouter(e, sorte, x, res, tache) {
      if (e !== etat) return;
      var sec = e.sections[sorte], annexes = {};
      res.forEach(function (r) {
        var row = x.docs[+r.ref];
        // one line per deliberation (found by its title or its text), per annex (listing its parts), per grant, per place
        var cle = row[0] === "deliberation" ? "d:" + row[1] : row[0] === "annexe" ? "a:" + row[3] + ":" + row[6] : row[0] === "subvention" ? "s:" + tache.fichier + ":" + r.ref : row[0] + ":" + row[2];
        var vu = annexes[cle] || e.vus[cle];
        if (annexes[cle]) annexes[cle].parties.push({ numero: row[7], url: row[2] });
        if (vu) {  // its best score counts (a deliberation found by its title and its text; an annex's parts)
          if (!(r.score > vu.score)) return;
          var i = sec.items.indexOf(vu);
          if (i >= sec.montres) { sec.items.splice(i, 1); vu.score = r.score; inserer(sec, vu); }
          return;
        }
        var item = e.vus[cle] = resultat(row);
        if (item.type === "annexe") annexes[cle] = item;
        item.texteSeul = tache && tache.sorte === "textes" && row[0] === "deliberation" && !parTitre(r, e.a);
        item.score = r.score; item.rang = tache ? tache.rang : 0; item.ref = +r.ref;
        inserer(sec, item);
        e.total += 1;
      });
      montrer(e, sec);
      ["subvention", "deliberation"].forEach(function (k) { if (e.sections[k] && e.sections[k] !== sec) montrer(e, e.sections[k]); });
      annoncer();
    }
    /* A result goes among those not shown yet, by score, then newest source, then its order in the shard. */
    function inserer(sec, item) {
      var j = sec.items.length;
      if (item.score !== undefined) {
        j = sec.montres;
        while (j < sec.items.length && !(item.score > sec.items[j].score
          || (item.score === sec.items[j].score && (item.rang < sec.items[j].rang || (item.rang === sec.items[j].rang && item.ref < sec.items[j].ref))))) j++;
      }
      sec.items.splice(j, 0, item);
    }
    function parTitre(r, a) {  // every word found in the deliberation's number or title (fields n, t)
      var md = r.matchData.metadata;
      return a.mots.every(function (m) {
        return Object.keys(md).some(function (t) { return (md[t].t || md[t].n) && (m.racines.indexOf(t) >= 0 || (m.prefixe && t.indexOf(m.mot) === 0)); });
      });
    }
    plus.addEventListener("click", function () { if (etat) suite(etat, true); });
    window.addEventListener("scroll", function () {  // reading to the end of the list asks for the previous year
      if (!etat || etat.enCours || !etat.taches.length || !etat.total) return;
      if (window.innerHeight + window.scrollY >= document.body.offsetHeight - 200) suite(etat, true);
    }, { passive: true });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); ecrireUrl(); lancer(); });
    form.addEventListener("change", function (ev) { if (ev.target !== input) { ecrireUrl(); lancer(); } });
    input.addEventListener("input", function () { clearTimeout(minuterie); minuterie = setTimeout(function () { ecrireUrl(); lancer(); }, 250); });
    form.hidden = false;
    lireUrl();
    lancer();
  }

  function init() {
    var page = document.getElementById("rpc-recherche-page");
    if (page) pageResultats(page);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-rpc-recherche]"), boite);
  }
  window.rpcRecherche = { plier: plier, mots: mots, termes: termes, demarrer: demarrer, analyser: analyser,
    annexes: function (fichier, q) {  // the parts of an annex vocabulary found for q (for the tests)
      return vocabulaire(fichier).then(function (v) { return chercherAnnexes(v, analyser(q)).map(function (r) { return r.ref; }); });
    },
    scores: function (fichier, q, idf) {  // [ref, score] of what a ranked shard gives q, in its order (for the tests)
      var a = analyser(q);
      return /\/annexes-/.test(fichier)
        ? vocabulaire(fichier).then(function (v) { return chercherAnnexes(v, a, idf).map(function (r) { return [r.ref, r.score]; }); })
        : morceau(fichier).then(function (x) { return chercher(x, a, idf).map(function (r) { return [r.ref, r.score]; }); });
    } };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
