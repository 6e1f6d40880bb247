//! The corpus generator shared by the benchmarks (`benches/scale.rs`, `benches/serve_latency.rs`)
//! and the test suite (`tests/suite/corpus.rs`, through `tests/suite/support`), included by each
//! with `mod`/`#[path]`: one generator, so the corpus the benchmarks measure is one the tests build.
//!
//! [`generate`] writes the scale corpus: deterministic (a hand-written SplitMix64 with fixed
//! seeds), N articles in folders of 100 (ten folders per section), each 4-8 KB of DocFX-flavored
//! Markdown with headings, alerts, includes, tables with HTML cells, fenced code in six languages
//! and 5-10 cross-links (some to headings of the target), a `toc.yml` per locale, and a
//! translation per article in every other locale with the localization front matter, and
//! optionally the same content as a Hugo site. [`linked_site`] writes the smaller site of
//! `serve_latency --generate N`. The same arguments give the same bytes on every machine.

// Each includer uses a different part of the generator.
#![allow(dead_code)]

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;

use sha1::{Digest, Sha1};

// ---------------------------------------------------------------------------------------------
// Deterministic random numbers (SplitMix64)

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64, stream: u64) -> Rng {
        let mut r = Rng(seed
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(stream.wrapping_mul(0xD1B5_4A32_D192_ED03)));
        r.next();
        r
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

pub const SEED: u64 = 20_260_801;
pub const S_BODY: u64 = 1;
pub const S_TITLE: u64 = 2;
pub const S_HEADINGS: u64 = 3;
pub const S_L10N: u64 = 4;

// ---------------------------------------------------------------------------------------------
// Vocabulary. Translations keep the source's structure and draw the same word indices from
// another list, so the "translated" text has the source's shape and length.

#[rustfmt::skip]
pub const EN: &[&str] = &[
    "mail", "sender", "domain", "record", "message", "server", "address", "policy", "delivery",
    "recipient", "bounce", "header", "signature", "key", "selector", "report", "limit",
    "queue", "retry", "connection", "certificate", "list", "filter", "rule", "reputation",
    "volume", "campaign", "subscriber", "complaint", "feedback", "loop", "account", "tenant",
    "admin", "setting", "value", "zone", "provider", "relay", "gateway", "route", "network",
    "block", "status", "code", "response", "request", "token", "permission", "role", "group",
    "user", "mailbox", "folder", "archive", "retention", "audit", "log", "trace", "event",
    "alert", "threshold", "rate", "window", "hour", "day", "week", "check", "configure",
    "verify", "publish", "rotate", "enable", "disable", "review", "update", "remove", "add",
    "send", "receive", "reject", "accept", "defer", "forward", "sign", "encrypt", "validate",
    "monitor", "export", "import", "migrate", "schedule", "limit", "reduce", "increase",
    "keep", "find", "open", "the", "a", "your", "each", "every", "new", "old", "daily",
    "hourly", "public", "private", "shared", "dedicated", "outbound", "inbound", "secure",
    "valid", "invalid", "temporary", "permanent", "automatic", "manual", "recent", "current",
    "previous", "large", "small", "first", "last", "with", "without", "for", "from", "to",
    "in", "on", "after", "before", "when", "if", "and", "or", "but", "so", "that", "which",
    "is", "are", "can", "must", "should", "may", "will", "not", "also", "only", "more", "less",
    "then", "again", "quickly", "carefully", "usually", "often", "sometimes", "never",
    "always", "together",
];
#[rustfmt::skip]
pub const SV: &[&str] = &[
    "e-post", "avsändare", "domän", "post", "meddelande", "server", "adress", "princip",
    "leverans", "mottagare", "studs", "huvud", "signatur", "nyckel", "väljare", "rapport",
    "gräns", "kö", "nytt försök", "anslutning", "certifikat", "lista", "filter", "regel",
    "rykte", "volym", "kampanj", "prenumerant", "klagomål", "återkoppling", "slinga", "konto",
    "klient", "administratör", "inställning", "värde", "zon", "leverantör", "relä", "gateway",
    "väg", "nätverk", "spärr", "status", "kod", "svar", "begäran", "token", "behörighet",
    "roll", "grupp", "användare", "postlåda", "mapp", "arkiv", "kvarhållning", "granskning",
    "logg", "spårning", "händelse", "avisering", "tröskel", "takt", "fönster", "timme", "dag",
    "vecka", "kontrollera", "konfigurera", "verifiera", "publicera", "rotera", "aktivera",
    "inaktivera", "granska", "uppdatera", "ta bort", "lägg till", "skicka", "ta emot",
    "avvisa", "godkänn", "skjut upp", "vidarebefordra", "signera", "kryptera", "validera",
    "övervaka", "exportera", "importera", "migrera", "schemalägg", "begränsa", "minska", "öka",
    "behåll", "hitta", "öppna", "den", "en", "din", "varje", "alla", "ny", "gammal", "daglig",
    "varje timme", "offentlig", "privat", "delad", "dedikerad", "utgående", "inkommande",
    "säker", "giltig", "ogiltig", "tillfällig", "permanent", "automatisk", "manuell", "nylig",
    "aktuell", "föregående", "stor", "liten", "första", "sista", "med", "utan", "för", "från",
    "till", "i", "på", "efter", "före", "när", "om", "och", "eller", "men", "så", "att", "som",
    "är", "är", "kan", "måste", "bör", "får", "kommer", "inte", "också", "bara", "mer",
    "mindre", "sedan", "igen", "snabbt", "noggrant", "vanligtvis", "ofta", "ibland", "aldrig",
    "alltid", "tillsammans",
];
#[rustfmt::skip]
pub const DE: &[&str] = &[
    "E-Mail", "Absender", "Domäne", "Eintrag", "Nachricht", "Server", "Adresse", "Richtlinie",
    "Zustellung", "Empfänger", "Unzustellbarkeit", "Kopfzeile", "Signatur", "Schlüssel",
    "Selektor", "Bericht", "Grenzwert", "Warteschlange", "Wiederholung", "Verbindung",
    "Zertifikat", "Liste", "Filter", "Regel", "Reputation", "Volumen", "Kampagne", "Abonnent",
    "Beschwerde", "Rückmeldung", "Schleife", "Konto", "Mandant", "Administrator",
    "Einstellung", "Wert", "Zone", "Anbieter", "Relay", "Gateway", "Route", "Netzwerk",
    "Sperre", "Status", "Code", "Antwort", "Anforderung", "Token", "Berechtigung", "Rolle",
    "Gruppe", "Benutzer", "Postfach", "Ordner", "Archiv", "Aufbewahrung", "Überwachung",
    "Protokoll", "Ablaufverfolgung", "Ereignis", "Warnung", "Schwellenwert", "Rate",
    "Zeitfenster", "Stunde", "Tag", "Woche", "prüfen", "konfigurieren", "bestätigen",
    "veröffentlichen", "rotieren", "aktivieren", "deaktivieren", "überprüfen", "aktualisieren",
    "entfernen", "hinzufügen", "senden", "empfangen", "ablehnen", "annehmen", "zurückstellen",
    "weiterleiten", "signieren", "verschlüsseln", "validieren", "überwachen", "exportieren",
    "importieren", "migrieren", "planen", "begrenzen", "verringern", "erhöhen", "behalten",
    "finden", "öffnen", "der", "ein", "Ihr", "jeder", "alle", "neu", "alt", "täglich",
    "stündlich", "öffentlich", "privat", "gemeinsam", "dediziert", "ausgehend", "eingehend",
    "sicher", "gültig", "ungültig", "vorübergehend", "dauerhaft", "automatisch", "manuell",
    "kürzlich", "aktuell", "vorherig", "groß", "klein", "erste", "letzte", "mit", "ohne",
    "für", "von", "zu", "in", "auf", "nach", "vor", "wenn", "falls", "und", "oder", "aber",
    "also", "dass", "welche", "ist", "sind", "kann", "muss", "sollte", "darf", "wird", "nicht",
    "auch", "nur", "mehr", "weniger", "dann", "erneut", "schnell", "sorgfältig",
    "normalerweise", "oft", "manchmal", "nie", "immer",
];
#[rustfmt::skip]
pub const FR: &[&str] = &[
    "courrier", "expéditeur", "domaine", "enregistrement", "message", "serveur", "adresse",
    "stratégie", "remise", "destinataire", "rebond", "en-tête", "signature", "clé",
    "sélecteur", "rapport", "limite", "file", "nouvelle tentative", "connexion", "certificat",
    "liste", "filtre", "règle", "réputation", "volume", "campagne", "abonné", "plainte",
    "retour", "boucle", "compte", "locataire", "administrateur", "paramètre", "valeur", "zone",
    "fournisseur", "relais", "passerelle", "itinéraire", "réseau", "blocage", "état", "code",
    "réponse", "demande", "jeton", "autorisation", "rôle", "groupe", "utilisateur",
    "boîte aux lettres", "dossier", "archive", "rétention", "audit", "journal", "suivi",
    "événement", "alerte", "seuil", "débit", "fenêtre", "heure", "jour", "semaine", "vérifier",
    "configurer", "valider", "publier", "renouveler", "activer", "désactiver", "examiner",
    "mettre à jour", "supprimer", "ajouter", "envoyer", "recevoir", "rejeter", "accepter",
    "différer", "transférer", "signer", "chiffrer", "contrôler", "surveiller", "exporter",
    "importer", "migrer", "planifier", "limiter", "réduire", "augmenter", "conserver",
    "trouver", "ouvrir", "le", "un", "votre", "chaque", "tous", "nouveau", "ancien",
    "quotidien", "horaire", "public", "privé", "partagé", "dédié", "sortant", "entrant",
    "sécurisé", "valide", "non valide", "temporaire", "permanent", "automatique", "manuel",
    "récent", "actuel", "précédent", "grand", "petit", "premier", "dernier", "avec", "sans",
    "pour", "de", "à", "dans", "sur", "après", "avant", "quand", "si", "et", "ou", "mais",
    "donc", "que", "qui", "est", "sont", "peut", "doit", "devrait", "pourra", "va", "pas",
    "aussi", "seulement", "plus", "moins", "puis", "encore", "rapidement", "avec soin",
    "généralement", "souvent", "parfois", "jamais", "toujours", "ensemble",
];

/// code, own name, vocabulary. Locales past the fourth reuse a vocabulary.
pub const LANGS: &[(&str, &str, &[&str])] = &[
    ("en-US", "English", EN),
    ("sv-SE", "Svenska", SV),
    ("de-DE", "Deutsch", DE),
    ("fr-FR", "Français", FR),
    ("es-ES", "Español", FR),
    ("nl-NL", "Nederlands", DE),
    ("da-DK", "Dansk", SV),
    ("it-IT", "Italiano", FR),
    ("nb-NO", "Norsk bokmål", SV),
    ("pt-BR", "Português", FR),
    ("fi-FI", "Suomi", SV),
    ("pl-PL", "Polski", DE),
];

#[rustfmt::skip]
pub const AREAS: &[&str] = &[
    "delivery", "authentication", "bounces", "bulk-sending", "filtering", "reputation",
    "routing", "security", "compliance", "monitoring", "migration", "accounts",
];
#[rustfmt::skip]
pub const TOPICS: &[&str] = &[
    "dns", "dkim", "spf", "dmarc", "tls", "quotas", "feedback-loops", "blocklists", "headers",
    "smtp", "webhooks", "api", "logs", "retention", "forwarding", "archiving",
];
#[rustfmt::skip]
pub const FILE_VERBS: &[&str] = &[
    "configure", "troubleshoot", "understand", "set-up", "monitor", "fix", "plan", "review",
];
pub const AUTHORS: &[(&str, &str)] = &[
    ("priya-nair", "pnair"),
    ("lars-berg", "lberg"),
    ("amina-haddad", "ahaddad"),
    ("tomas-novak", "tnovak"),
    ("mei-chen", "mchen"),
];
pub const INCLUDES: &[&str] = &[
    "before-you-begin",
    "prerequisites",
    "support-contact",
    "rate-limits-note",
    "dns-propagation",
    "admin-permissions",
    "retention-policy",
    "preview-feature",
];
pub const ALERTS: &[&str] = &["NOTE", "TIP", "IMPORTANT", "CAUTION", "WARNING"];

// ---------------------------------------------------------------------------------------------
// Corpus layout

#[derive(Clone, Copy, PartialEq)]
pub enum Flavor {
    /// DocFX-flavored Markdown for helpsite.
    Docfx,
    /// The same content the way a Hugo site has to say it.
    Hugo,
}

pub struct Corpus {
    pub articles: usize,
    pub locales: usize,
}

impl Corpus {
    pub fn section_of(i: usize) -> usize {
        i / 1000
    }
    pub fn folder_of(i: usize) -> usize {
        i / 100
    }
    pub fn sec_name(s: usize) -> String {
        format!("{}-{s:02}", AREAS[s % AREAS.len()])
    }
    pub fn folder_name(f: usize) -> String {
        format!("{}-{f:03}", TOPICS[f % TOPICS.len()])
    }
    pub fn file_name(i: usize) -> String {
        let mut r = Rng::new(SEED, i as u64 * 16 + 9);
        format!("{}-{}-{i:05}", r.pick(FILE_VERBS), r.pick(TOPICS))
    }
    /// `section/folder/file` without `.md`.
    pub fn path(i: usize) -> String {
        format!(
            "{}/{}/{}",
            Self::sec_name(Self::section_of(i)),
            Self::folder_name(Self::folder_of(i)),
            Self::file_name(i)
        )
    }
    /// A relative link from article `from` to article `to`.
    pub fn rel_link(from: usize, to: usize) -> String {
        if Self::folder_of(from) == Self::folder_of(to) {
            format!("{}.md", Self::file_name(to))
        } else if Self::section_of(from) == Self::section_of(to) {
            format!(
                "../{}/{}.md",
                Self::folder_name(Self::folder_of(to)),
                Self::file_name(to)
            )
        } else {
            format!("../../{}.md", Self::path(to))
        }
    }
    pub fn folders(&self) -> usize {
        self.articles.div_ceil(100)
    }
    pub fn sections(&self) -> usize {
        self.articles.div_ceil(1000)
    }
}

pub type Phrase = Vec<usize>;

pub fn phrase(r: &mut Rng, lo: usize, hi: usize) -> Phrase {
    let n = r.range(lo, hi);
    (0..n).map(|_| r.below(EN.len())).collect()
}

pub fn say(p: &[usize], vocab: &[&str]) -> String {
    let mut s = String::new();
    for (k, &w) in p.iter().enumerate() {
        if k > 0 {
            s.push(' ');
        }
        let word = vocab[w % vocab.len()];
        if k == 0 {
            let mut cs = word.chars();
            if let Some(c) = cs.next() {
                s.extend(c.to_uppercase());
                s.push_str(cs.as_str());
            }
        } else {
            s.push_str(word);
        }
    }
    s
}

/// The id helpsite and Hugo give an English heading made of plain lower-case words.
pub fn slug(p: &[usize]) -> String {
    say(p, EN).to_lowercase().replace(' ', "-")
}

pub fn title_of(i: usize) -> Phrase {
    let mut r = Rng::new(SEED, (i as u64) << 8 | S_TITLE);
    phrase(&mut r, 3, 6)
}

/// The article's `##`/`###` headings: (level, phrase), unique ids, known to linking pages.
pub fn headings_of(i: usize) -> Vec<(u8, Phrase)> {
    let mut r = Rng::new(SEED, (i as u64) << 8 | S_HEADINGS);
    let mut seen: HashSet<String> = HashSet::new();
    seen.insert(slug(&title_of(i)));
    seen.insert("see-also".into());
    let mut out = Vec::new();
    let sections = r.range(4, 6);
    for _ in 0..sections {
        for level in [2u8, 3] {
            if level == 3 && !r.chance(35) {
                continue;
            }
            let mut p = phrase(&mut r, 2, 4);
            while !seen.insert(slug(&p)) {
                p.push(r.below(EN.len()));
            }
            out.push((level, p));
        }
    }
    out
}

pub struct Writer<'a> {
    r: Rng,
    vocab: &'a [&'a str],
    flavor: Flavor,
    lang: usize,
    locales: usize,
    out: String,
}

impl Writer<'_> {
    pub fn word(&mut self) -> &str {
        let w = self.r.below(EN.len());
        self.vocab[w % self.vocab.len()]
    }
    pub fn sentence(&mut self) -> String {
        let p = phrase(&mut self.r, 5, 12);
        let mut s = say(&p, self.vocab);
        // Inline markup: bold, code.
        match self.r.below(6) {
            0 => {
                let w = self.word().to_string();
                let _ = write!(s, " **{w}**");
            }
            1 => {
                let n = self.r.below(600);
                let _ = write!(s, " `5.7.{n}`");
            }
            _ => {}
        }
        s.push('.');
        s
    }
    pub fn paragraph(&mut self, sentences: usize, link: Option<String>) {
        for k in 0..sentences {
            if k > 0 {
                self.out.push(' ');
            }
            let s = self.sentence();
            self.out.push_str(&s);
        }
        if let Some(l) = link {
            let lead = say(&[self.r.below(EN.len())], self.vocab);
            let _ = write!(self.out, " {lead}: {l}.");
        }
        self.out.push_str("\n\n");
    }
    pub fn link(&self, from: usize, to: usize, fragment: Option<&str>) -> String {
        let text = say(&title_of(to), self.vocab);
        let frag = fragment.map(|f| format!("#{f}")).unwrap_or_default();
        match self.flavor {
            Flavor::Docfx => format!("[{text}]({}{frag})", Corpus::rel_link(from, to)),
            Flavor::Hugo => format!(
                "[{text}]({{{{< relref \"/{}.md{frag}\" >}}}})",
                Corpus::path(to)
            ),
        }
    }
    pub fn heading(&mut self, level: u8, p: &[usize]) {
        let hashes = "#".repeat(level as usize);
        let text = say(p, self.vocab);
        let id = slug(p);
        match (self.flavor, self.lang) {
            (_, 0) => {
                let _ = writeln!(self.out, "{hashes} {text}\n");
            }
            (Flavor::Docfx, _) => {
                let _ = writeln!(self.out, "{hashes} <a name=\"{id}\"></a>{text}\n");
            }
            (Flavor::Hugo, _) => {
                let _ = writeln!(self.out, "{hashes} {text} {{#{id}}}\n");
            }
        }
    }
    pub fn alert(&mut self) {
        let kind = self.r.pick(ALERTS);
        let n = self.r.range(1, 2);
        let body: Vec<String> = (0..n).map(|_| self.sentence()).collect();
        match self.flavor {
            Flavor::Docfx => {
                let _ = writeln!(self.out, "> [!{kind}]");
            }
            Flavor::Hugo => {
                let t = kind[..1].to_string() + &kind[1..].to_lowercase();
                let _ = writeln!(self.out, "> **{t}**\n>");
            }
        }
        let _ = writeln!(self.out, "> {}\n", body.join(" "));
    }
    pub fn list(&mut self) {
        let ordered = self.r.chance(50);
        let n = self.r.range(3, 6);
        for k in 0..n {
            let s = self.sentence();
            if ordered {
                let _ = writeln!(self.out, "{}. {s}", k + 1);
            } else {
                let _ = writeln!(self.out, "- {s}");
            }
            if self.r.chance(20) {
                let s = self.sentence();
                let _ = writeln!(self.out, "   - {s}");
            }
        }
        self.out.push('\n');
    }
    pub fn table(&mut self) {
        let h: Vec<String> = (0..3)
            .map(|_| say(&[self.r.below(EN.len())], self.vocab))
            .collect();
        let _ = writeln!(
            self.out,
            "| {} | {} | {} |\n|---|---|---|",
            h[0], h[1], h[2]
        );
        let rows = self.r.range(3, 6);
        for _ in 0..rows {
            let setting = format!("{}{}", EN[self.r.below(60)], self.r.below(100));
            let desc = self.sentence();
            let items = self.r.range(2, 3);
            let mut cell = String::from("<ul>");
            for _ in 0..items {
                let w = self.word().to_string();
                let v = self.r.below(10_000);
                let _ = write!(cell, "<li><code>{v}</code> {w}</li>");
            }
            cell.push_str("</ul>");
            if self.r.chance(30) {
                cell.push_str("<br>Default: <strong>off</strong>");
            }
            let _ = writeln!(self.out, "| `{setting}` | {desc} | {cell} |");
        }
        self.out.push('\n');
    }
    pub fn code(&mut self) {
        // One block in five is a snippet many articles share, as in real documentation.
        let shared = self.r.chance(20);
        let n = if shared { 42 } else { self.r.below(100_000) };
        let m = if shared { 7 } else { self.r.below(1000) };
        let w = EN[self.r.below(60)];
        let lang = self.r.below(6);
        let (name, body) = match lang {
            0 => (
                "powershell",
                format!(
                    "$sender = \"{w}{n}@contoso.example\"\n\
                     Set-MailboxConfig -Identity $sender -MaxSendSize {m}MB -Confirm:$false\n\
                     Get-MessageTrace -SenderAddress $sender -StartDate (Get-Date).AddDays(-{m}) |\n\
                     \x20 Where-Object {{ $_.Status -eq \"Failed\" }} |\n\
                     \x20 Select-Object Received, RecipientAddress, Status |\n\
                     \x20 Export-Csv -Path \".\\{w}-{n}.csv\" -NoTypeInformation"
                ),
            ),
            1 => (
                "bash",
                format!(
                    "#!/usr/bin/env bash\nset -euo pipefail\n\
                     for host in mx{n}.contoso.example mx{m}.contoso.example; do\n\
                     \x20 if dig +short TXT \"_dmarc.${{host}}\" | grep -q 'v=DMARC1'; then\n\
                     \x20   echo \"$host: {w} ok\"\n  fi\ndone\n\
                     curl -fsS \"https://api.contoso.example/v1/{w}?limit={m}\" \\\n\
                     \x20 -H \"Authorization: Bearer $TOKEN\" | jq '.items[] | .id'"
                ),
            ),
            2 => (
                "json",
                format!(
                    "{{\n  \"name\": \"{w}-{n}\",\n  \"enabled\": true,\n  \
                     \"limits\": {{ \"perHour\": {m}, \"perDay\": {n} }},\n  \
                     \"recipients\": [\"{w}@example.com\", \"postmaster@example.org\"],\n  \
                     \"retry\": {{ \"attempts\": 3, \"backoffSeconds\": [60, 300, 900] }}\n}}"
                ),
            ),
            3 => (
                "yaml",
                format!(
                    "sender:\n  domain: {w}{n}.example\n  dkim:\n    selector: s{m}\n    \
                     keySize: 2048\n  rateLimits:\n    - window: 1h\n      max: {n}\n    \
                     - window: 24h\n      max: {m}000\n  feedbackLoop: true"
                ),
            ),
            4 => (
                "xml",
                format!(
                    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  \
                     <mailSettings from=\"{w}@contoso.example\">\n    \
                     <smtp host=\"smtp{m}.contoso.example\" port=\"587\" enableSsl=\"true\" />\n    \
                     <retry attempts=\"{n}\" />\n  </mailSettings>\n</configuration>"
                ),
            ),
            _ => (
                "csharp",
                format!(
                    "using System.Net.Mail;\n\npublic static class Sender{n}\n{{\n    \
                     public static async Task SendAsync(string to, int attempt = {m})\n    {{\n        \
                     using var client = new SmtpClient(\"smtp.contoso.example\", 587) {{ EnableSsl = true }};\n        \
                     var message = new MailMessage(\"{w}@contoso.example\", to, \"Report {n}\", \"Body\");\n        \
                     await client.SendMailAsync(message);\n    }}\n}}"
                ),
            ),
        };
        let _ = writeln!(self.out, "```{name}\n{body}\n```\n");
    }
    pub fn include(&mut self, k: usize) {
        match self.flavor {
            Flavor::Docfx => {
                let text = say(&[self.r.below(EN.len())], self.vocab);
                let _ = writeln!(
                    self.out,
                    "[!INCLUDE [{text}](../../includes/{}.md)]\n",
                    INCLUDES[k]
                );
            }
            Flavor::Hugo => {
                // Inlined: Hugo has no include syntax in content.
                self.r.next();
                let lang = if has_translated_include(k) {
                    self.lang
                } else {
                    0
                };
                let body = include_body(k, lang, self.locales, Flavor::Hugo);
                self.out.push_str(&body);
            }
        }
    }
}

/// The last include is never translated, so translations exercise the per-file fallback.
pub fn has_translated_include(k: usize) -> bool {
    k + 1 < INCLUDES.len()
}

pub fn writer(seed_stream: u64, lang: usize, locales: usize, flavor: Flavor) -> Writer<'static> {
    Writer {
        r: Rng::new(SEED, seed_stream),
        vocab: LANGS[lang].2,
        flavor,
        lang,
        locales,
        out: String::with_capacity(8192),
    }
}

pub fn include_body(k: usize, lang: usize, locales: usize, flavor: Flavor) -> String {
    let mut w = writer(1 << 40 | k as u64, lang, locales, flavor);
    let n = w.r.range(2, 4);
    w.paragraph(n, None);
    match k % 3 {
        0 => w.list(),
        1 => w.alert(),
        _ => {}
    }
    w.out
}

pub fn include_file(k: usize, lang: usize, locales: usize) -> String {
    let title = say(&[k, k + 7, k + 19], LANGS[lang].2);
    format!(
        "---\ntitle: {title}\nms.topic: include\n---\n\n{}",
        include_body(k, lang, locales, Flavor::Docfx)
    )
}

/// The body of article `i` in locale `lang` (front matter excluded).
pub fn article_body(c: &Corpus, i: usize, lang: usize, flavor: Flavor) -> String {
    let mut w = writer((i as u64) << 8 | S_BODY, lang, c.locales, flavor);
    // Cross-links: 5-10, a third with a fragment to a real heading of the target.
    let nlinks = w.r.range(5, 10);
    let mut links = Vec::with_capacity(nlinks);
    for _ in 0..nlinks {
        let to = if c.articles > 1 && w.r.chance(40) {
            // A neighbour in the same folder.
            let base = i / 100 * 100;
            let span = (c.articles - base).min(100);
            base + w.r.below(span)
        } else {
            w.r.below(c.articles)
        };
        let frag = if w.r.chance(35) {
            let hs = headings_of(to);
            let (_, p) = &hs[w.r.below(hs.len())];
            Some(slug(p))
        } else {
            None
        };
        links.push(w.link(i, to, frag.as_deref()));
    }
    let title = title_of(i);
    w.heading(1, &title);
    let n = w.r.range(2, 4);
    w.paragraph(n, None);
    let include = if w.r.chance(60) {
        Some(w.r.below(INCLUDES.len()))
    } else {
        None
    };
    let mut pending = links.into_iter();
    let headings = headings_of(i);
    let mut section = 0;
    for (level, p) in &headings {
        w.heading(*level, p);
        if *level == 2 {
            section += 1;
        }
        let paras = w.r.range(1, 2);
        for _ in 0..paras {
            let n = w.r.range(2, 4);
            let link = if w.r.chance(50) { pending.next() } else { None };
            w.paragraph(n, link);
        }
        if *level == 3 {
            continue;
        }
        match section {
            1 => {
                w.alert();
                if let Some(k) = include {
                    w.include(k);
                }
            }
            2 => w.code(),
            3 => w.table(),
            _ => match w.r.below(4) {
                0 => w.code(),
                1 => w.list(),
                2 => w.alert(),
                _ => w.table(),
            },
        }
        if w.r.chance(25) {
            w.list();
        }
    }
    let rest: Vec<String> = pending.collect();
    if !rest.is_empty() {
        let text = see_also(w.vocab);
        let _ = match (w.flavor, w.lang) {
            (_, 0) => writeln!(w.out, "## {text}\n"),
            (Flavor::Docfx, _) => writeln!(w.out, "## <a name=\"see-also\"></a>{text}\n"),
            (Flavor::Hugo, _) => writeln!(w.out, "## {text} {{#see-also}}\n"),
        };
        for l in rest {
            let _ = writeln!(w.out, "- {l}");
        }
        w.out.push('\n');
    }
    w.out
}

/// "See also" in the vocabulary's language.
pub fn see_also(vocab: &[&str]) -> &'static str {
    match vocab[0] {
        "e-post" => "Se även",
        "E-Mail" => "Siehe auch",
        "courrier" => "Voir aussi",
        _ => "See also",
    }
}

pub fn front_matter(c: &Corpus, i: usize, lang: usize, source_text: Option<&str>) -> String {
    let mut r = Rng::new(SEED, (i as u64) << 8 | S_L10N);
    let (author, alias) = AUTHORS[r.below(AUTHORS.len())];
    let topics = ["how-to", "conceptual", "reference", "troubleshooting"];
    let topic = topics[r.below(topics.len())];
    let date = format!(
        "{:02}/{:02}/{}",
        r.range(1, 12),
        r.range(1, 28),
        r.range(2024, 2026)
    );
    let vocab = LANGS[lang].2;
    let desc_phrase = phrase(&mut r, 10, 18);
    let mut fm = format!(
        "---\ntitle: {}\ndescription: {}.\nms.date: {date}\nms.topic: {topic}\nauthor: {author}\n\
         ms.author: {alias}\nms.collection: {}\nms.custom: scale-bench\n",
        say(&title_of(i), vocab),
        say(&desc_phrase, vocab),
        AREAS[Corpus::section_of(i) % AREAS.len()],
    );
    if let Some(src) = source_text {
        // Per locale decisions, drawn after the shared ones.
        let mut r = Rng::new(SEED, (i as u64) << 16 | (lang as u64) << 8 | S_L10N);
        let mt = r.chance(35);
        let stale = r.chance(8);
        let hash = if stale {
            crlf_sha1(&format!("an older revision of {i}"))
        } else {
            crlf_sha1(src)
        };
        let commit: String = (0..5).map(|_| format!("{:08x}", r.next() as u32)).collect();
        let _ = write!(
            fm,
            "ms.contentlocale: {}\nms.translationtype: {}\nms.openlocfilehash: {hash}\n\
             ms.sourcegitcommit: {commit}\nms.lasthandoff: {:02}/{:02}/2026\n\
             ms.locfileid: \"{}\"\n",
            LANGS[lang].0,
            if mt { "MT" } else { "HT" },
            r.range(1, 12),
            r.range(1, 28),
            100_000_000 + r.below(900_000_000),
        );
    }
    let _ = c;
    fm.push_str("---\n\n");
    fm
}

/// SHA-1 of the text with every line ending as CRLF (`ms.openlocfilehash`).
pub fn crlf_sha1(text: &str) -> String {
    let mut h = Sha1::new();
    for (k, line) in text.split('\n').enumerate() {
        if k > 0 {
            h.update(b"\r\n");
        }
        h.update(line.strip_suffix('\r').unwrap_or(line).as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

pub fn lang_dir(lang: usize) -> String {
    LANGS[lang].0.to_ascii_lowercase()
}

pub fn home_body(c: &Corpus, lang: usize, flavor: Flavor) -> String {
    let vocab = LANGS[lang].2;
    let mut s = format!("# {}\n\n", say(&[3, 8, 35], vocab));
    for sec in 0..c.sections() {
        let first = sec * 1000;
        let text = say(&title_of(first), vocab);
        let target = match flavor {
            Flavor::Docfx => format!("{}.md", Corpus::path(first)),
            Flavor::Hugo => format!("{{{{< relref \"/{}.md\" >}}}}", Corpus::path(first)),
        };
        let _ = writeln!(s, "- [{text}]({target})");
    }
    s
}

pub fn section_title(s: usize, vocab: &[&str]) -> String {
    say(&[s % 60 + 60, s % 60], vocab)
}

pub fn folder_title(f: usize, vocab: &[&str]) -> String {
    say(&[f % 67, f % 67 + 67, 130 + f % 30], vocab)
}

pub fn yaml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

pub fn toc(c: &Corpus, lang: usize) -> String {
    let vocab = LANGS[lang].2;
    let mut s = format!(
        "- name: {}\n  href: index.md\n",
        yaml_str(&say(&[3, 8, 35], vocab))
    );
    for sec in 0..c.sections() {
        let _ = write!(
            s,
            "- name: {}\n  items:\n",
            yaml_str(&section_title(sec, vocab))
        );
        let folders = (sec * 10)..((sec + 1) * 10).min(c.folders());
        for f in folders {
            let _ = write!(
                s,
                "    - name: {}\n      items:\n",
                yaml_str(&folder_title(f, vocab))
            );
            for i in (f * 100)..((f + 1) * 100).min(c.articles) {
                let _ = write!(
                    s,
                    "        - name: {}\n          href: {}.md\n",
                    yaml_str(&say(&title_of(i), vocab)),
                    Corpus::path(i)
                );
            }
        }
    }
    s
}

pub struct CorpusStats {
    pub files: usize,
    pub bytes: u64,
    pub article_bytes: u64,
    pub articles_written: usize,
}

pub fn write_file(path: &Path, text: &str, st: &mut CorpusStats) -> std::io::Result<()> {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p)?;
    }
    std::fs::write(path, text)?;
    st.files += 1;
    st.bytes += text.len() as u64;
    Ok(())
}

/// Writes the helpsite site into `site` and, when `hugo` is given, the Hugo site there.
pub fn generate(c: &Corpus, site: &Path, hugo: Option<&Path>) -> std::io::Result<CorpusStats> {
    let mut st = CorpusStats {
        files: 0,
        bytes: 0,
        article_bytes: 0,
        articles_written: 0,
    };
    let mut hst = CorpusStats {
        files: 0,
        bytes: 0,
        article_bytes: 0,
        articles_written: 0,
    };
    let mut cfg = String::from(
        "title: Scale Help\nbase_url: https://help.example.com/\nsource_locale: en-US\nlocales:\n",
    );
    for (code, name, _) in &LANGS[..c.locales] {
        let _ = write!(cfg, "  - code: {code}\n    name: {name}\n");
    }
    write_file(&site.join("helpsite.yml"), &cfg, &mut st)?;
    let content = site.join("content");
    #[allow(clippy::needless_range_loop)]
    for lang in 0..c.locales {
        let dir = content.join(lang_dir(lang));
        write_file(&dir.join("toc.yml"), &toc(c, lang), &mut st)?;
        let home = format!(
            "---\ntitle: {}\n---\n\n{}",
            say(&[3, 8, 35], LANGS[lang].2),
            home_body(c, lang, Flavor::Docfx)
        );
        write_file(&dir.join("index.md"), &home, &mut st)?;
        for (k, name) in INCLUDES.iter().enumerate() {
            if lang == 0 || has_translated_include(k) {
                let p = dir.join("includes").join(format!("{name}.md"));
                write_file(&p, &include_file(k, lang, c.locales), &mut st)?;
            }
        }
    }
    if let Some(h) = hugo {
        write_hugo_scaffold(c, h, &mut hst)?;
    }
    for i in 0..c.articles {
        let rel = format!("{}.md", Corpus::path(i));
        let src_fm = front_matter(c, i, 0, None);
        let source = src_fm.clone() + &article_body(c, i, 0, Flavor::Docfx);
        for lang in 0..c.locales {
            let text = if lang == 0 {
                source.clone()
            } else {
                front_matter(c, i, lang, Some(&source)) + &article_body(c, i, lang, Flavor::Docfx)
            };
            st.article_bytes += text.len() as u64;
            st.articles_written += 1;
            write_file(&content.join(lang_dir(lang)).join(&rel), &text, &mut st)?;
            if let Some(h) = hugo {
                let fm = if lang == 0 {
                    src_fm.clone()
                } else {
                    front_matter(c, i, lang, Some(&source))
                };
                let text = fm + &article_body(c, i, lang, Flavor::Hugo);
                write_file(
                    &h.join("content").join(lang_dir(lang)).join(&rel),
                    &text,
                    &mut hst,
                )?;
            }
        }
    }
    Ok(st)
}

// ---------------------------------------------------------------------------------------------
// Hugo site

pub const HUGO_BASEOF: &str = r#"<!DOCTYPE html>
<html lang="{{ .Site.Language.Lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} | {{ .Site.Title }}</title>
{{ with .Description }}<meta name="description" content="{{ . }}">{{ end }}
<link rel="canonical" href="{{ .Permalink }}">
{{ range .Translations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">
{{ end }}<link rel="stylesheet" href="{{ "site.css" | relURL }}">
</head>
<body>
<header><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a>
<nav class="languages">{{ range .AllTranslations }}<a href="{{ .RelPermalink }}" hreflang="{{ .Language.Lang }}">{{ .Language.LanguageName }}</a> {{ end }}</nav>
</header>
<div class="layout">
<nav class="sidebar">{{ partial "sidebar.html" . }}</nav>
<main>{{ block "main" . }}{{ end }}</main>
</div>
</body>
</html>
"#;

pub const HUGO_SIDEBAR: &str = r#"{{ $cur := . }}<ul>
{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
{{ if or (eq . $cur) ($cur.IsDescendant .) }}<ul>
{{ range .Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
{{ if or (eq . $cur) ($cur.IsDescendant .) }}<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}"{{ if eq . $cur }} aria-current="page"{{ end }}>{{ .Title }}</a></li>
{{ end }}</ul>{{ end }}</li>
{{ end }}</ul>{{ end }}</li>
{{ end }}</ul>
"#;

pub const HUGO_SINGLE: &str = r#"{{ define "main" }}
<nav class="breadcrumbs"><ol>{{ range .Ancestors.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}<li>{{ .Title }}</li></ol></nav>
<article>
<h1>{{ .Title }}</h1>
{{ with .Description }}<p class="description">{{ . }}</p>{{ end }}
<nav class="in-this-article">{{ .TableOfContents }}</nav>
<div class="content">{{ .Content }}</div>
</article>
<nav class="pager">{{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
{{ end }}
"#;

pub const HUGO_LIST: &str = r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ end }}
"#;

pub fn write_hugo_scaffold(c: &Corpus, h: &Path, st: &mut CorpusStats) -> std::io::Result<()> {
    let mut cfg = String::from(
        "baseURL = \"https://help.example.com/\"\ntitle = \"Scale Help\"\n\
         defaultContentLanguage = \"en-us\"\ndefaultContentLanguageInSubdir = true\n\
         disableKinds = [\"taxonomy\", \"term\", \"RSS\"]\n\n\
         [markup.goldmark.renderer]\n  unsafe = true\n\
         [markup.highlight]\n  codeFences = true\n  noClasses = false\n\
         [markup.tableOfContents]\n  startLevel = 2\n  endLevel = 3\n\n",
    );
    for (k, (code, name, _)) in LANGS[..c.locales].iter().enumerate() {
        let _ = write!(
            cfg,
            "[languages.{}]\n  languageName = \"{name}\"\n  contentDir = \"content/{}\"\n  weight = {}\n",
            code.to_ascii_lowercase(),
            code.to_ascii_lowercase(),
            k + 1
        );
    }
    write_file(&h.join("config.toml"), &cfg, st)?;
    let layouts = h.join("layouts");
    write_file(&layouts.join("_default/baseof.html"), HUGO_BASEOF, st)?;
    write_file(&layouts.join("_default/single.html"), HUGO_SINGLE, st)?;
    write_file(&layouts.join("_default/list.html"), HUGO_LIST, st)?;
    write_file(&layouts.join("partials/sidebar.html"), HUGO_SIDEBAR, st)?;
    write_file(
        &h.join("static/site.css"),
        "body{font-family:system-ui}\n",
        st,
    )?;
    #[allow(clippy::needless_range_loop)]
    for lang in 0..c.locales {
        let vocab = LANGS[lang].2;
        let dir = h.join("content").join(lang_dir(lang));
        let home = format!(
            "---\ntitle: {}\n---\n\n{}",
            say(&[3, 8, 35], vocab),
            home_body(c, lang, Flavor::Hugo)
        );
        write_file(&dir.join("_index.md"), &home, st)?;
        for sec in 0..c.sections() {
            let p = dir.join(Corpus::sec_name(sec)).join("_index.md");
            let t = format!("---\ntitle: {}\n---\n", section_title(sec, vocab));
            write_file(&p, &t, st)?;
        }
        for f in 0..c.folders() {
            let p = dir
                .join(Corpus::sec_name(f / 10))
                .join(Corpus::folder_name(f))
                .join("_index.md");
            let t = format!("---\ntitle: {}\n---\n", folder_title(f, vocab));
            write_file(&p, &t, st)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The serve-latency site

/// A site of `n` articles in 100-article folders, each linking to its neighbours and
/// including a shared file, with a Swedish translation of every other article.
pub fn linked_site(root: &Path, n: usize) {
    let w = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    w("helpsite.yml", "title: Bench\nbase_url: https://docs.example.com/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n  - code: sv-SE\n    name: Svenska\n");
    w(
        "content/en-us/includes/note.md",
        "> [!NOTE]\n> A shared note.\n",
    );
    let mut toc = String::from("- name: Home\n  href: index.md\n");
    w(
        "content/en-us/index.md",
        "---\ntitle: Home\n---\n# Home\n\nStart at [the first article](d0/a0.md).\n",
    );
    for i in 0..n {
        let (d, next, prev) = (i / 100, (i + 1) % n, (i + n - 1) % n);
        let body = format!(
            "---\ntitle: Article {i}\nms.date: 11/02/2026\n---\n# Article {i}\n\n## Overview\n\nThis article explains topic {i}. See [the next one](../d{}/a{next}.md#overview) and [the previous one](../d{}/a{prev}.md).\n\n[!INCLUDE [note](../includes/note.md)]\n\n## Steps\n\n1. Check the record.\n2. Publish it.\n\n```powershell\nResolve-DnsName -Type TXT example.com\n```\n\n| Code | Meaning |\n|---|---|\n| 5.7.1 | Rejected |\n",
            next / 100,
            prev / 100
        );
        w(&format!("content/en-us/d{d}/a{i}.md"), &body);
        if i % 2 == 0 {
            w(
                &format!("content/sv-se/d{d}/a{i}.md"),
                &body
                    .replace("title: Article", "title: Artikel")
                    .replace("## Overview", "## <a name=\"overview\"></a>Översikt"),
            );
        }
        toc.push_str(&format!("- name: Article {i}\n  href: d{d}/a{i}.md\n"));
    }
    w("content/en-us/toc.yml", &toc);
}
