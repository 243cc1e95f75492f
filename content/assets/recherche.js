/* Site search: the header box (instant suggestions) and the results page (recherche/).
   Indexes are lunr 2.3.9 indexes built at build time by generator/recherche.py and
   loaded on demand: the manifest and the small indexes (places, beneficiaries, councillors, the
   newest year's deliberation titles) when the box gets focus, then grants and full
   text year by year, newest first, with the vocabulary of each recueil's annexes (the
   terms of each part). Words are normalised exactly as in
   generator/recherche.py (accents, ligatures, elisions, « st » → « saint », stop
   words) and stemmed by the same Snowball French stemmer (recherche/racine-fr.js),
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
  var motsVides = {}, synonymes = {};

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

  /* An annex vocabulary (generator/recherche.py, vocabulaire_annexes): {docs: parts, termes: "term term…" (sorted),
     parties: ["3 1 12…", …]}: each part lists the numbers of its terms in termes, as gaps from the previous one. */
  var vocabulaires = {};
  function vocabulaire(fichier) {
    if (!vocabulaires[fichier]) {
      vocabulaires[fichier] = fetch(DOSSIER + fichier).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status + " " + fichier);
        return r.text();
      }).then(function (texte) {
        var data = JSON.parse(texte);
        var parties = data.parties.map(function (p) {
          var n = 0;
          return p ? p.split(" ").map(function (ecart) { n += +ecart; return n; }) : [];
        });
        return { termes: data.termes ? data.termes.split(" ") : [], parties: parties, docs: data.docs, taille: texte.length };
      });
      vocabulaires[fichier].catch(function () { delete vocabulaires[fichier]; });
    }
    return vocabulaires[fichier];
  }

  /* ---- term directory (generator/repertoire.py): which sources (a recueil's chunks, its annexes) can hold every word ---- */
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
      var rep = {};
      paires.forEach(function (x) { rep[x[0]] = x[1]; });
      var tests = a.mots.map(function (w) {
        var oui = {}, auDela = Infinity;  // listed recueils; with -1, any recueil older than the last listed
        function prendre(liste) {
          liste.forEach(function (p) { if (p >= 0) oui[p] = true; });
          if (liste[liste.length - 1] === -1) auDela = Math.min(auDela, liste[liste.length - 2]);
        }
        w.racines.forEach(function (r) {
          var d = rep[r.slice(0, 2)] || {};
          if (d[r]) prendre(d[r]);
        });
        if (w.prefixe) {
          var d2 = rep[w.mot.slice(0, 2)] || {};
          Object.keys(d2).forEach(function (t) { if (t.indexOf(w.mot) === 0) prendre(d2[t]); });
        }
        return function (p) { return oui[p] || p > auDela; };
      });
      return function (p) { return tests.every(function (f) { return f(p); }); };
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
  /* Every significant word must match (its stem, or as a prefix while it is typed); best first. */
  function chercher(entree, a) {
    if (!a.mots.length) return [];
    var lunr = window.lunr;
    var res = entree.idx.query(function (q) {
      a.mots.forEach(function (m) {
        m.racines.forEach(function (r, i) { q.term(r, { usePipeline: false, boost: i ? 5 : 10 }); });
        if (m.prefixe) q.term(m.mot, { usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING, boost: 1 });
      });
    });
    return res.filter(function (r) {
      var trouves = Object.keys(r.matchData.metadata);
      return a.mots.every(function (m) {
        return trouves.some(function (t) { return m.racines.indexOf(t) >= 0 || (m.prefixe && t.indexOf(m.mot) === 0); });
      });
    });
  }
  /* First position in the sorted list `liste` of a value >= x (terms are [a-z0-9]: JavaScript orders them as Python does). */
  function rang(liste, x) {
    var bas = 0, haut = liste.length;
    while (bas < haut) { var m = (bas + haut) >> 1; if (liste[m] < x) bas = m + 1; else haut = m; }
    return bas;
  }
  /* The annex parts holding every significant word (one of its stems, or as a prefix), in the file's order.
     A word is a set of ranges of term numbers (each stem; the terms starting with the prefix); a part holds
     it when one of its term numbers falls in one of them. */
  function chercherAnnexes(v, a) {
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
    var out = [];
    v.parties.forEach(function (numeros, k) {
      if (plages.every(function (p) { return p.some(function (x) { var i = rang(numeros, x[0]); return i < numeros.length && numeros[i] < x[1]; }); })) {
        out.push({ ref: String(k) });
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

  /* ---- results page: filters by type and year, years loaded newest first ---- */
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
       automatic reading ended, or RENDU_MS passed), then the sections come in their order (places,
       beneficiaries, grants, deliberations); after that, only the last section on the page grows,
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
    /* Render the section's results up to `jusqua` (asked by its button), or by itself up to PAR_PAGE
       while it is the last section on the page; never re-renders shown ones. */
    function montrer(e, sec, jusqua) {
      if (!(e.rendu || sec.complete) || !sec.items.length) return;
      if (!sec.el) placer(e, sec);
      var fin = jusqua ? Math.min(sec.items.length, jusqua)
        : derniere(sec) ? Math.min(sec.items.length, Math.max(sec.montres, PAR_PAGE)) : sec.montres;
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
      if (etat.annees.length) txt += (n === 0 && fini ? " " : " — ") + "années parcourues : " + etat.annees.join(", ");
      if (etat.enCours || etat.attente > 0) txt += " ; recherche en cours…";
      else if (!fini) txt += ".";
      statut.textContent = txt;
      plus.hidden = fini || etat.enCours || etat.attente > 0;
      if (!plus.hidden) plus.textContent = "Chercher plus loin (" + (etat.annees.indexOf(etat.taches[0].annee) >= 0 ? "suite de " : "") + etat.taches[0].annee
        + (etat.taches[etat.taches.length - 1].annee !== etat.taches[0].annee ? " et années précédentes" : "") + ")";
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
          if (e !== etat || e.rendu) return;
          ["lieu", "beneficiaire", "elu"].forEach(function (k) {
            var sec = e.sections[k];
            if (sec) { sec.complete = true; montrer(e, sec); }
          });
        });
        var annees = m.annees.filter(function (y) { return !an || y.annee === an; });
        if (a.numero && !an) {  // the year of a deliberation number comes first
          annees = annees.filter(function (y) { return y.annee === a.numero.annee; }).concat(annees.filter(function (y) { return y.annee !== a.numero.annee; }));
        }
        var taches = candidats(m, a).catch(function () { return null; }).then(function (accepte) {
          e.attente -= 1;
          if (e !== etat) return;
          annees.forEach(function (y) {  // a year: its titles, then each recueil, that may hold every word (newest first)
            var titres = !accepte || y.position_titres === undefined || accepte(y.position_titres) || (a.numero && a.numero.annee === y.annee);
            if (e.sections.deliberation && titres) e.taches.push({ annee: y.annee, sorte: "titres", fichier: y.deliberations });
            y.lots.forEach(function (lot) {
              if (!accepte || accepte(lot.position)) {
                if (e.sections.subvention) lot.subventions.forEach(function (f) { e.taches.push({ annee: y.annee, sorte: "subventions", fichier: f }); });
                if (e.sections.deliberation) lot.textes.forEach(function (f) { e.taches.push({ annee: y.annee, sorte: "textes", fichier: f }); });
              }
              if (e.sections.deliberation && lot.annexes.length && (!accepte || accepte(lot.position_annexes))) {
                lot.annexes.forEach(function (f) { e.taches.push({ annee: y.annee, sorte: "annexes", fichier: f }); });
              }
            });
          });
          return suite(e, false);
        });
        return Promise.all(premiers.concat([taches]));
      }).catch(function () { if (e === etat) statut.textContent = "La recherche n'a pas pu se charger."; });
    }
    /* Search the queued shards, newest first, until there are enough results or AUTO_OCTETS have been
       read; the reader asks for more (button, or scrolling to the end of the list): AUTO_OCTETS more. */
    function suite(e, demande) {
      if (e !== etat || e.enCours) return Promise.resolve();
      if (!e.taches.length) { annoncer(); return Promise.resolve(); }
      if (demande) e.limite = e.octets + AUTO_OCTETS;
      e.enCours = true; annoncer();
      function prochaine() {
        if (e !== etat) return Promise.resolve();
        var t = e.taches[0];
        if (!t) return Promise.resolve();
        if (e.annees.length && !(e.octets < e.limite && (demande || e.total < ASSEZ))) return Promise.resolve();
        e.taches.shift();
        return (t.sorte === "annexes" ? vocabulaire : morceau)(t.fichier).then(function (x) {
          if (e !== etat) return;
          if (e.annees.indexOf(t.annee) < 0) e.annees.push(t.annee);
          e.octets += x.taille;
          var docs = x.docs;
          var res = t.sorte === "annexes" ? chercherAnnexes(x, e.a) : chercher(x, e.a);
          if (t.sorte === "titres" && e.a.numero) {  // the deliberation whose number was typed comes first
            docs.forEach(function (row, i) {
              if (row[1] === e.a.numero.id && !res.some(function (r) { return +r.ref === i; })) res.unshift({ ref: String(i) });
            });
            res.sort(function (p, q) { return (docs[+q.ref][1] === e.a.numero.id) - (docs[+p.ref][1] === e.a.numero.id); });
          }
          ajouter(e, t.sorte === "subventions" ? "subvention" : "deliberation", { docs: docs }, res, t);
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
        if (annexes[cle]) { annexes[cle].parties.push({ numero: row[7], url: row[2] }); return; }
        if (e.vus[cle]) return;
        e.vus[cle] = true;
        var item = resultat(row);
        if (item.type === "annexe") annexes[cle] = item;
        item.texteSeul = tache && tache.sorte === "textes" && row[0] === "deliberation";
        sec.items.push(item);
        e.total += 1;
      });
      montrer(e, sec);
      annoncer();
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
    } };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
