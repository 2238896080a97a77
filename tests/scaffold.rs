//! The everyday workflow: `cmkb init` a site, `cmkb new` pages into it,
//! check and build it, publish it from CI, complete commands in a shell.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Fixture, Run};

const TODAY: &str = "2026-11-25";

fn run_in(dir: &Path, bin: &Path, args: &[&str]) -> Run {
    let out = Command::new(bin)
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .output()
        .expect("run cmkb");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn cmkb(dir: &Path, args: &[&str]) -> Run {
    run_in(dir, Path::new(env!("CARGO_BIN_EXE_cmkb")), args)
}

/// Every `index.html` under a folder, relative.
fn pages(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
        .collect()
}

fn assert_clean(run: &Run) {
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(
        !all.contains("error[") && !all.contains("warning["),
        "expected no findings:\n{all}"
    );
    run.ok();
}

fn init_then_build_then_check(lang: &str, other: &str) {
    let site = Fixture::new();
    let root = site.root();
    let init = cmkb(root, &["init", "--lang", lang, "--today", TODAY]);
    init.ok().says("site.toml").says("cmkb new playbook");
    assert_clean(&cmkb(root, &["build", "--today", TODAY]));
    let check = cmkb(root, &["check", "--today", TODAY, "--deny", "warnings"]);
    assert_clean(&check);
    check.says("0 errors, 0 warnings");

    // The home page, four sections and four pages, in each language.
    let all = pages(&root.join("public"));
    let (es, en) = (
        [
            "atender-un-reporte",
            "dar-la-bienvenida",
            "codigo-de-conducta",
            "acuse-de-recibo",
        ],
        [
            "handling-a-report",
            "welcoming-newcomers",
            "code-of-conduct",
            "acknowledging-a-report",
        ],
    );
    let (mine, theirs) = if lang == "es" { (es, en) } else { (en, es) };
    for (prefix, slugs) in [(String::new(), mine), (format!("{other}/"), theirs)] {
        assert!(all.contains(&format!("{prefix}index.html")), "{all:?}");
        for (section, slug) in ["playbooks", "guides", "policies", "templates"]
            .iter()
            .zip(slugs)
        {
            assert!(
                all.contains(&format!("{prefix}{section}/index.html")),
                "{all:?}"
            );
            assert!(
                all.contains(&format!("{prefix}{section}/{slug}/index.html")),
                "{all:?}"
            );
        }
    }
    assert!(site.read(".gitignore").contains("/public/"));
    let config = site.read("site.toml");
    assert!(config.contains(&format!("default_language = \"{lang}\"")));
    assert!(config.contains("default_owner = "));
    // Comments explain the settings.
    assert!(config.lines().filter(|l| l.starts_with('#')).count() > 20);
}

#[test]
fn init_then_build_then_check_passes_in_spanish() {
    init_then_build_then_check("es", "en");
}

#[test]
fn init_then_build_then_check_passes_in_english() {
    init_then_build_then_check("en", "es");
}

#[test]
fn translations_get_urls_in_their_own_language() {
    let site = Fixture::new();
    cmkb(site.root(), &["init", "--lang", "es", "--today", TODAY]).ok();
    let english = site.read("content/playbooks/atender-un-reporte.en.md");
    assert!(
        english.contains("slug = \"handling-a-report\""),
        "{english}"
    );
    cmkb(site.root(), &["build", "--today", TODAY]).ok();
    assert!(site.exists("public/en/playbooks/handling-a-report/index.html"));
    assert!(site.exists("public/playbooks/atender-un-reporte/index.html"));

    let site = Fixture::new();
    cmkb(site.root(), &["init", "--lang", "en", "--today", TODAY]).ok();
    assert!(site.exists("content/playbooks/handling-a-report.md"));
    assert!(site
        .read("content/playbooks/handling-a-report.es.md")
        .contains("slug = \"atender-un-reporte\""));
}

#[test]
fn init_into_a_folder_in_use_says_what_it_would_overwrite_and_writes_nothing() {
    let site = Fixture::new()
        .file("site.toml", "title = \"Ours\"\n")
        .file("content/_index.md", "+++\ntitle = \"Home\"\n+++\nOurs.\n")
        .file(".gitignore", "target/\n")
        .file("README.md", "Our repository.\n");
    let run = cmkb(site.root(), &["init"]);
    run.fails_with(2)
        .says("would overwrite 2 files")
        .says("site.toml")
        .says("content/_index.md")
        .says("--force")
        .does_not_say("README.md");
    assert_eq!(site.read("site.toml"), "title = \"Ours\"\n");
    assert!(!site.exists("content/guides"), "nothing is written");

    let run = cmkb(site.root(), &["init", "--force", "--today", TODAY]);
    run.ok().says("site.toml  (replaced)");
    assert!(site.read("site.toml").contains("default_owner"));
    assert_eq!(site.read("README.md"), "Our repository.\n");
    // The team's .gitignore is kept, with the built site added to it.
    let gitignore = site.read(".gitignore");
    assert!(gitignore.starts_with("target/\n") && gitignore.contains("/public/"));
    cmkb(site.root(), &["init", "--force", "--today", TODAY]).ok();
    assert_eq!(
        site.read(".gitignore").matches("/public/").count(),
        1,
        "not added twice"
    );
}

#[test]
fn init_creates_the_folder_and_only_ci_adds_workflows_to_an_existing_site() {
    let parent = Fixture::new();
    cmkb(parent.root(), &["init", "kb", "--today", TODAY])
        .ok()
        .says("cd kb");
    assert!(parent.exists("kb/site.toml"));
    assert!(!parent.exists("kb/.github"));
    let run = cmkb(parent.root(), &["init", "kb", "--ci", "github"]);
    run.fails_with(2).says("--only-ci");
    cmkb(
        parent.root(),
        &["init", "kb", "--ci", "github", "--only-ci"],
    )
    .ok()
    .says(".github/workflows/cmkb-check.yml")
    .does_not_say("site.toml");
    assert!(parent.exists("kb/.github/workflows/cmkb-pages.yml"));
}

/// What a writer puts in place of each prompt: real text, with reasons,
/// long enough for the type.
fn filling(kind: &str, section: &str, es: bool) -> &'static str {
    match (es, kind, section) {
        (true, "guide", "description") => "Cómo preparar una sesión abierta de preguntas con la comunidad",
        (true, "playbook", "description") => "Qué hacer en la primera hora de una crisis pública",
        (true, "policy", "description") => "Quién publica en las cuentas oficiales y cómo se revisa cada mensaje",
        (true, "template", "description") => "Texto de partida para invitar a alguien a un evento de la comunidad",
        (false, "guide", "description") => "How to prepare an open questions session with the community",
        (false, "playbook", "description") => "What to do in the first hour of a public crisis",
        (false, "policy", "description") => "Who posts on the official accounts and how each post is reviewed",
        (false, "template", "description") => "A starting text for inviting someone to a community event",

        (true, "guide", "") => "Esta guía explica cómo preparamos una sesión abierta de preguntas con la comunidad, para que pueda participar cualquiera aunque sea su primera vez, y para que las respuestas sirvan también a quien las lea después.",
        (true, "playbook", "") => "Una crisis pública es cualquier situación en la que la confianza de la comunidad está en juego a la vista de todos. Lo que hagamos en la primera hora pesa más que lo que digamos la semana siguiente, porque es cuando la gente decide si estamos de su lado.",
        (true, "policy", "") => "Esta política se aplica a las cuentas oficiales de la comunidad en redes, al boletín y a los anuncios del foro, y a cualquier persona del equipo que publique en ellos.",
        (true, "template", "") => "Esta plantilla sirve para invitar a una persona concreta a un evento de la comunidad. Ahorra tiempo en la estructura para que puedas dedicarlo a explicar por qué te gustaría que viniera.",
        (false, "guide", "") => "This guide explains how we prepare an open questions session with the community, so that anyone can take part even the first time, and so that the answers also help whoever reads them later.",
        (false, "playbook", "") => "A public crisis is any situation where the community's trust is at stake in plain sight. What we do in the first hour weighs more than what we say the following week, because that is when people decide whether we are on their side.",
        (false, "policy", "") => "This policy applies to the community's official social accounts, the newsletter and forum announcements, and to anyone on the team who posts on them.",
        (false, "template", "") => "This template is for inviting a specific person to a community event. It saves time on structure so that you can spend it on saying why you would like them to come.",

        (true, _, "first-steps") => "Primero, confirma qué ha pasado y a quién afecta, porque sin eso cualquier mensaje público puede equivocarse. Después, nombra a una persona responsable que coordine y hable con otros equipos, para que no circulen versiones distintas. Por último, publica un primer mensaje breve donde está la conversación, diciendo que lo sabemos y cuándo volveremos a escribir, y cumple esa hora aunque no haya novedades.",
        (false, _, "first-steps") => "First, confirm what happened and who is affected, because without that any public message may be wrong. Then name one person to coordinate and talk to other teams, so that different versions do not circulate. Finally, post a short first message where the conversation is happening, saying that we know and when we will write again, and keep to that time even with nothing new to say.",
        (true, "template", "when-to-adapt") => "Lo que no cambia es la fecha, el lugar y cómo apuntarse, porque es la información que la persona necesita. Ajusta el tono a cómo os conocéis y añade al menos una frase sobre por qué la invitas a ella en concreto. Si la persona ha tenido un problema reciente con la comunidad, escribe desde cero.",
        (false, "template", "when-to-adapt") => "What stays the same is the date, the place and how to sign up, because that is the information the person needs. Match the tone to how well you know each other and add at least one sentence on why you are inviting them in particular. If the person has recently had a problem with the community, write from scratch.",
        (true, _, "when-to-adapt") => "Si hay un riesgo para la seguridad de alguien, eso va antes que cualquier mensaje público: protege primero a la persona y escribe después. Si el problema lo ha causado el propio equipo, el primer mensaje incluye una disculpa clara y sin condiciones. Si la situación no encaja con ningún paso, pregunta a otra persona del equipo antes de improvisar en público.",
        (false, _, "when-to-adapt") => "If someone's safety is at risk, that comes before any public message: protect the person first and write afterwards. If the team itself caused the problem, the first message includes a clear, unconditional apology. If the situation fits none of the steps, ask someone else on the team before improvising in public.",
        (true, _, "escalation") => "Avisa a la persona de guardia del equipo de comunidad en cuanto nombres a la persona responsable. Si hay datos personales expuestos, escribe a `privacidad@example.org` de inmediato. Si el caso afecta a alguien del propio equipo, el contacto alternativo es `ombuds@example.org`, que no depende de nosotros. En caso de duda, avisa: una consulta innecesaria cuesta menos que una decisión tomada en soledad.",
        (false, _, "escalation") => "Tell the community team's on-call person as soon as the coordinator is named. If personal data is exposed, write to `privacy@example.org` immediately. If the case involves someone on the team, the alternate contact is `ombuds@example.org`, which is independent of us. When in doubt, tell someone: an unnecessary question costs less than a decision made alone.",
        (true, _, "why") => "Esta norma existe para que las cuentas oficiales hablen con una sola voz y para que nadie publique en nombre de la comunidad algo que no se ha pensado, porque un mensaje oficial desafortunado daña la confianza de muchas personas a la vez y cuesta meses recuperarla.",
        (false, _, "why") => "This rule exists so that the official accounts speak with one voice and nobody posts something unconsidered in the community's name, because one unfortunate official post damages the trust of many people at once and takes months to win back.",
        (true, _, "scope") => "Cualquiera del equipo puede proponer una publicación, y la revisa otra persona antes de que salga, porque un segundo par de ojos detecta el tono que a quien escribe se le escapa. Las respuestas a preguntas concretas de la comunidad no necesitan revisión, para no retrasar la ayuda.",
        (false, _, "scope") => "Anyone on the team can propose a post, and someone else reviews it before it goes out, because a second pair of eyes catches the tone the writer misses. Replies to specific questions from the community need no review, so that help is not delayed.",
        (true, _, "consequences") => "Si alguien publica sin revisión, primero hablamos en privado para entender qué pasó y recordar el proceso. Si se repite, retiramos temporalmente el acceso a la cuenta hasta repasarlo juntos. Las medidas son proporcionadas y se explican por escrito, para que la persona sepa qué cambió y por qué.",
        (false, _, "consequences") => "If someone posts without a review, we first talk privately to understand what happened and go over the process. If it happens again, we temporarily remove access to the account until we have reviewed it together. Measures are proportionate and explained in writing, so the person knows what changed and why.",
        (true, _, "appeals") => "Quien no esté de acuerdo con una medida puede pedir que la revise otra persona del equipo que no participó en la decisión, escribiendo a `comunidad@example.org` en los treinta días siguientes. Recibirá una respuesta por escrito en diez días laborables como máximo, y pedir la revisión no empeora la medida.",
        (false, _, "appeals") => "Anyone who disagrees with a measure can ask for it to be reviewed by someone on the team who was not part of the decision, by writing to `community@example.org` within thirty days. They will get a written answer within ten working days, and asking for a review does not make the measure worse.",
        (true, _, "what-matters") => "Anuncia la sesión con una semana de antelación y recoge preguntas por escrito, porque así pueden participar quienes no pueden conectarse en directo. Empieza por las preguntas de quienes participan por primera vez, y contesta con ejemplos concretos en lugar de frases generales. Publica después un resumen con las respuestas y los enlaces, para que quien llegue más tarde no tenga que ver la grabación entera.",
        (false, _, "what-matters") => "Announce the session a week ahead and collect questions in writing, so that people who cannot join live can still take part. Start with questions from first-time participants, and answer with concrete examples rather than general statements. Afterwards, post a summary with the answers and links, so that whoever arrives later does not have to watch the whole recording.",
        (true, _, "mistakes") => "El error más común es contestar solo a quienes más hablan, porque deja fuera a quien pregunta con timidez. Otro es prometer cosas que no dependen del equipo: es mejor decir que llevaremos la pregunta a quien decide y volver con la respuesta en una fecha concreta. Y no cierres la sesión sin decir dónde seguir preguntando, porque muchas dudas aparecen al día siguiente.",
        (false, _, "mistakes") => "The most common mistake is answering only the people who talk the most, because it leaves out whoever asks shyly. Another is promising things the team does not control: it is better to say we will take the question to whoever decides and come back with an answer on a given date. And do not close the session without saying where to keep asking, because many questions only come up the next day.",
        (true, _, "text") => "```text\nHola, [nombre]:\n\nTe escribimos para invitarte a [evento] el [fecha]. Nos encantaría contar contigo porque [motivo concreto].\nSi no puedes venir, publicaremos un resumen después.\n\nUn saludo,\n[tu nombre]\n```",
        (false, _, "text") => "```text\nHi [name],\n\nWe would like to invite you to [event] on [date]. We would love you to come because [specific reason].\nIf you cannot make it, we will post a summary afterwards.\n\nBest,\n[your name]\n```",
        other => panic!("no filling for {other:?}"),
    }
}

/// Replaces each prompt in a page written by `cmkb new` with text.
fn fill(text: &str, kind: &str, es: bool) -> String {
    let marker = if es { "PENDIENTE:" } else { "TODO:" };
    let mut section = String::new();
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with('#') {
            section = line
                .rsplit_once("{#")
                .map(|(_, id)| id.trim_end_matches('}').to_string())
                .unwrap_or_default();
        }
        if line.starts_with("description = ") && line.contains(marker) {
            out.push_str(&format!(
                "description = \"{}\"\n",
                filling(kind, "description", es)
            ));
        } else if line.starts_with(marker) {
            out.push_str(filling(kind, &section, es));
            out.push('\n');
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert!(!out.contains(marker), "{out}");
    out
}

const TYPES: [&str; 4] = ["guide", "playbook", "policy", "template"];

/// A site from `init`, plus one page of each type from `new` in `lang`.
fn site_with_new_pages(lang: &str) -> (Fixture, Vec<PathBuf>) {
    let site = Fixture::new();
    cmkb(site.root(), &["init", "--lang", "es", "--today", TODAY]).ok();
    let mut created = Vec::new();
    for kind in TYPES {
        let title = if lang == "es" {
            format!("Responder a una crisis: {kind}")
        } else {
            format!("Responding to a crisis: {kind}")
        };
        let run = cmkb(
            site.root(),
            &["new", kind, &title, "--lang", lang, "--today", TODAY],
        );
        run.ok().says("then run `cmkb check`");
        let path = PathBuf::from(run.stdout.trim());
        assert!(site.path(&path.display().to_string()).is_file(), "{path:?}");
        created.push(path);
    }
    (site, created)
}

fn new_pages_pass_check_once_filled_in(lang: &str) {
    let (site, created) = site_with_new_pages(lang);
    for (kind, path) in TYPES.iter().zip(&created) {
        let full = site.path(&path.display().to_string());
        let text = std::fs::read_to_string(&full).unwrap();
        std::fs::write(&full, fill(&text, kind, lang == "es")).unwrap();
    }
    let check = cmkb(
        site.root(),
        &["check", "--today", TODAY, "--deny", "warnings"],
    );
    assert_clean(&check);
    cmkb(site.root(), &["build", "--today", TODAY]).ok();
}

fn new_pages_left_as_written_fail_form_over_substance(lang: &str) {
    let (site, created) = site_with_new_pages(lang);
    let check = cmkb(
        site.root(),
        &[
            "check", "--today", TODAY, "--deny", "warnings", "--format", "json",
        ],
    );
    check.fails_with(1);
    let report: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    let findings = report["diagnostics"].as_array().unwrap();
    let marker = if lang == "es" { "PENDIENTE" } else { "TODO" };
    for path in &created {
        let path = path.display().to_string();
        let placeholders = findings
            .iter()
            .filter(|d| {
                d["path"] == path.as_str()
                    && d["rule"] == "form-over-substance"
                    && d["message"].as_str().unwrap().contains(marker)
            })
            .count();
        assert!(
            placeholders >= 2,
            "{path}: every prompt is an unfilled placeholder: {findings:#?}"
        );
        // Nothing else is wrong with it: the fields and sections are in place.
        for d in findings.iter().filter(|d| d["path"] == path.as_str()) {
            assert_eq!(d["rule"], "form-over-substance", "{d:#?}");
        }
    }
}

#[test]
fn new_pages_of_every_type_pass_check_once_filled_in_spanish() {
    new_pages_pass_check_once_filled_in("es");
}

#[test]
fn new_pages_of_every_type_pass_check_once_filled_in_english() {
    new_pages_pass_check_once_filled_in("en");
}

#[test]
fn new_pages_left_as_written_fail_form_over_substance_in_spanish() {
    new_pages_left_as_written_fail_form_over_substance("es");
}

#[test]
fn new_pages_left_as_written_fail_form_over_substance_in_english() {
    new_pages_left_as_written_fail_form_over_substance("en");
}

#[test]
fn new_fills_the_required_fields_from_site_toml() {
    let site = Fixture::new().file(
        "site.toml",
        "default_language = \"es\"\nlanguages = [\"es\", \"en\"]\ndefault_owner = \"moderacion\"\n\n[types.playbook]\nrequired = [\"title\", \"description\", \"owner\", \"audience\", \"reviewed\", \"review_by\"]\nsections = [\"when-to-adapt\", \"escalation\", \"handover\"]\nreview_every = \"P3M\"\n",
    );
    let run = cmkb(
        site.root(),
        &["new", "playbook", "¿Cómo cerrar un hilo?", "--today", TODAY],
    );
    run.ok().does_not_say("default_owner");
    assert_eq!(
        run.stdout.trim(),
        "content/playbooks/como-cerrar-un-hilo.md"
    );
    let text = site.read("content/playbooks/como-cerrar-un-hilo.md");
    for expected in [
        "title = \"¿Cómo cerrar un hilo?\"",
        "owner = \"moderacion\"",
        "reviewed = 2026-11-25",
        "review_by = 2027-02-25",
        "audience = [",
        "{#when-to-adapt}",
        "{#escalation}",
        "## Traspaso {#handover}\n\nPENDIENTE: ",
    ] {
        assert!(text.contains(expected), "{expected} in:\n{text}");
    }
    // A translation: the same slug, the other language.
    cmkb(
        site.root(),
        &[
            "new",
            "playbook",
            "How to close a thread",
            "--lang",
            "en",
            "--slug",
            "como-cerrar-un-hilo",
            "--section",
            "playbooks",
        ],
    )
    .ok();
    assert!(site
        .read("content/playbooks/como-cerrar-un-hilo.en.md")
        .contains("## Handover {#handover}"));
}

#[test]
fn a_site_archetype_replaces_the_built_in_one() {
    let site = Fixture::new()
        .file("site.toml", "default_language = \"en\"\nlanguages = [\"en\"]\n")
        .file(
            "archetypes/guide.md",
            "+++\ntitle = \"{{title}}\"\ntype = \"guide\"\nowner = \"{{owner}}\"\ndescription = \"Ours\"\nreviewed = {{reviewed}}\n+++\n\nOur own start. {{prompt}} the rest.\n",
        );
    let run = cmkb(
        site.root(),
        &[
            "new",
            "guide",
            "Ours",
            "--section",
            "guides/deep",
            "--today",
            TODAY,
        ],
    );
    run.ok()
        .says("from archetypes/guide.md")
        .says("set `default_owner` in site.toml");
    let text = site.read("content/guides/deep/ours.md");
    assert!(text.contains("Our own start. TODO: the rest."), "{text}");
    assert!(text.contains("owner = \"community-team\""), "{text}");
}

#[test]
fn new_explains_bad_input() {
    let site = Fixture::new();
    cmkb(site.root(), &["init", "--today", TODAY]).ok();
    cmkb(site.root(), &["new", "playbok", "Crisis"])
        .fails_with(2)
        .says("unknown content type `playbok`; did you mean `playbook`?")
        .says("Known types: guide, playbook, policy, template");
    cmkb(site.root(), &["new", "checklist", "Crisis"])
        .fails_with(2)
        .says("Known types: guide, playbook, policy, template");
    cmkb(site.root(), &["new", "guide", "🔥🚒"])
        .fails_with(2)
        .says("--slug");
    cmkb(site.root(), &["new", "guide", "🔥🚒", "--slug", "fuego"]).ok();
    cmkb(site.root(), &["new", "guide", "x", "--lang", "fr"])
        .fails_with(2)
        .says("does not publish in `fr`");
    cmkb(
        site.root(),
        &["new", "guide", "x", "--section", "../outside"],
    )
    .fails_with(2)
    .says("inside the content folder");
    let before = site.read("content/guides/dar-la-bienvenida.md");
    cmkb(site.root(), &["new", "guide", "Dar la bienvenida"])
        .fails_with(2)
        .says("content/guides/dar-la-bienvenida.md already exists");
    assert_eq!(site.read("content/guides/dar-la-bienvenida.md"), before);
}

#[test]
fn completions_generate_for_every_shell() {
    let dir = Fixture::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = cmkb(dir.root(), &["completions", shell]);
        run.ok();
        assert!(run.stdout.len() > 500, "{shell}: {}", run.stdout);
        for subcommand in ["build", "check", "init", "new"] {
            assert!(
                run.stdout.contains(subcommand),
                "{shell} lacks {subcommand}"
            );
        }
    }
    cmkb(dir.root(), &["completions", "tcsh"]).fails_with(2);
}

#[test]
fn the_man_page_documents_every_subcommand() {
    let dir = Fixture::new();
    let run = cmkb(dir.root(), &["man"]);
    run.ok();
    assert!(
        run.stdout.starts_with(".ie") || run.stdout.contains(".TH cmkb"),
        "{}",
        run.stdout
    );
    for subcommand in ["build", "check", "init", "new", "completions"] {
        assert!(run.stdout.contains(subcommand), "{subcommand}");
    }
    cmkb(dir.root(), &["man", "--dir", "man1"]).ok();
    for page in ["cmkb.1", "cmkb-build.1", "cmkb-init.1", "cmkb-new.1"] {
        assert!(dir.exists(&format!("man1/{page}")), "{page}");
    }
}

#[test]
fn the_installed_binary_works_with_nothing_beside_it() {
    // What `cargo install --path .` leaves: the binary alone, far from the checkout.
    let dir = Fixture::new();
    let bin = dir.path(if cfg!(windows) { "cmkb.exe" } else { "cmkb" });
    std::fs::copy(env!("CARGO_BIN_EXE_cmkb"), &bin).unwrap();
    std::fs::create_dir(dir.path("work")).unwrap();
    let work = dir.path("work");
    run_in(
        &work,
        &bin,
        &["init", "kb", "--lang", "en", "--today", TODAY],
    )
    .ok();
    let kb = work.join("kb");
    assert!(!kb.join("themes").exists());
    let build = run_in(&kb, &bin, &["build", "--today", TODAY]);
    assert_clean(&build);
    let home = std::fs::read_to_string(kb.join("public/index.html")).unwrap();
    assert!(home.contains("Community knowledge base"), "{home}");
    assert!(
        walkdir::WalkDir::new(kb.join("public"))
            .into_iter()
            .filter_map(Result::ok)
            .any(|e| e.path().extension().is_some_and(|x| x == "css")),
        "the embedded theme's stylesheet is written"
    );
    let created = run_in(&kb, &bin, &["new", "playbook", "Responding to a crisis"]);
    created.ok();
    assert!(kb
        .join("content/playbooks/responding-to-a-crisis.md")
        .is_file());
}

/// Every `uses:` in a workflow, wherever it is.
fn actions(value: &serde_norway::Value, out: &mut Vec<String>) {
    match value {
        serde_norway::Value::Mapping(map) => {
            for (key, value) in map {
                if key.as_str() == Some("uses") {
                    out.push(value.as_str().unwrap_or_default().to_string());
                }
                actions(value, out);
            }
        }
        serde_norway::Value::Sequence(items) => items.iter().for_each(|v| actions(v, out)),
        _ => {}
    }
}

/// Every `run:` script in a workflow.
fn scripts(workflow: &serde_norway::Value) -> String {
    let mut all = String::new();
    for job in workflow["jobs"].as_mapping().unwrap().values() {
        for step in job["steps"].as_sequence().unwrap() {
            if let Some(run) = step.get("run").and_then(|r| r.as_str()) {
                all.push_str(run);
                all.push('\n');
            }
        }
    }
    all
}

#[test]
fn the_github_workflows_are_valid_yaml_and_use_only_official_actions() {
    let site = Fixture::new();
    cmkb(site.root(), &["init", "--ci", "github", "--today", TODAY])
        .ok()
        .says("Settings → Pages");
    const OFFICIAL: &[&str] = &[
        "actions/checkout",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
        "github/codeql-action/upload-sarif",
    ];
    let mut used = Vec::new();
    let mut workflows = Vec::new();
    for name in ["cmkb-check.yml", "cmkb-pages.yml"] {
        let text = site.read(&format!(".github/workflows/{name}"));
        let workflow: serde_norway::Value = serde_norway::from_str(&text)
            .unwrap_or_else(|e| panic!("{name} is not valid YAML: {e}"));
        assert!(workflow.get("on").is_some(), "{name} has triggers");
        assert!(workflow["jobs"].as_mapping().is_some_and(|j| !j.is_empty()));
        let mut uses = Vec::new();
        actions(&workflow, &mut uses);
        for action in &uses {
            let (name, version) = action.split_once('@').expect("pinned to a version");
            assert!(
                OFFICIAL.contains(&name),
                "{action} is not an official action"
            );
            assert!(version.starts_with('v'), "{action}");
        }
        used.extend(uses);
        workflows.push(workflow);
    }
    let (check, pages) = (&workflows[0], &workflows[1]);

    // cmkb is installed with the runner's own cargo, pinned.
    for workflow in &workflows {
        let run = scripts(workflow);
        assert!(run.contains("cargo install --locked"), "{run}");
        assert!(
            !run.contains("rustup toolchain install") && !run.contains("curl"),
            "{run}"
        );
        assert_eq!(
            workflow["env"]["CMKB_VERSION"].as_str(),
            Some(env!("CARGO_PKG_VERSION"))
        );
    }

    // Checks: SARIF to code scanning, annotations on pull requests.
    assert!(check["on"].get("pull_request").is_some());
    assert_eq!(
        check["permissions"]["security-events"].as_str(),
        Some("write")
    );
    let run = scripts(check);
    assert!(
        run.contains("cmkb check --format sarif > cmkb.sarif"),
        "{run}"
    );
    assert!(run.contains("cmkb check --format github"), "{run}");
    let upload = check["jobs"]["check"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| {
            s.get("uses")
                .and_then(|u| u.as_str())
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif"))
        })
        .expect("the SARIF upload step");
    assert_eq!(upload["with"]["sarif_file"].as_str(), Some("cmkb.sarif"));

    // Publishing: the Pages address as base URL, the built folder uploaded.
    assert_eq!(pages["permissions"]["pages"].as_str(), Some("write"));
    assert_eq!(pages["permissions"]["id-token"].as_str(), Some("write"));
    let run = scripts(pages);
    assert!(
        run.contains(
            "cmkb build --base-url \"${{ steps.pages.outputs.base_url }}/\" --output-dir public"
        ),
        "{run}"
    );
    let steps = pages["jobs"]["build"]["steps"].as_sequence().unwrap();
    assert!(steps.iter().any(|s| s["id"].as_str() == Some("pages")));
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact"))
        })
        .unwrap();
    assert_eq!(upload["with"]["path"].as_str(), Some("public"));
    assert_eq!(
        pages["jobs"]["deploy"]["environment"]["name"].as_str(),
        Some("github-pages")
    );
    for action in OFFICIAL {
        assert!(
            used.iter().any(|u| u.starts_with(action)),
            "{action} is used"
        );
    }
}

#[test]
fn long_builds_print_progress_lines_in_a_log_and_nothing_when_quiet() {
    let mut site = Fixture::new().file(
        "site.toml",
        "default_language = \"en\"\nlanguages = [\"en\"]\n",
    );
    for i in 0..1000 {
        site = site.file(
            &format!("content/notes/note-{i:04}.md"),
            &format!("+++\ntitle = \"Note {i}\"\n+++\nA short note, number {i}.\n"),
        );
    }
    let run = site.build();
    run.ok()
        .says("cmkb: loading pages done: 1000 pages")
        .says("cmkb: rendering done:")
        .says("Built the public site");
    let quiet = site.cmkb(&["build", "--today", TODAY, "--quiet"]);
    quiet.ok();
    assert!(quiet.stderr.trim().is_empty(), "{}", quiet.stderr);
    // --verbose keeps its stage lines, which the benchmarks parse.
    let verbose = site.cmkb(&["build", "--today", TODAY, "--verbose"]);
    verbose.ok();
    assert!(
        verbose
            .stderr
            .lines()
            .any(|l| l.starts_with("  render ") && l.contains(" ms")),
        "{}",
        verbose.stderr
    );
    // A small site's build says what it always said.
    let small = Fixture::site();
    small.build().ok().does_not_say("cmkb: ");
}

#[test]
fn the_readme_ci_examples_for_gitlab_and_netlify_parse() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find("### Publish from CI").expect("the CI section");
    let section = &readme[start..];
    let section = &section[..section[4..].find("\n## ").map_or(section.len(), |i| i + 4)];
    // The code block that opens with `opening` (its fence and first text).
    let block = |opening: &str| -> String {
        let at = section
            .find(opening)
            .unwrap_or_else(|| panic!("a block opening {opening:?}"));
        let body = &section[at + opening.find('\n').unwrap() + 1..];
        body[..body.find("```").unwrap()].to_string()
    };
    let gitlab: serde_norway::Value = serde_norway::from_str(&block("```yaml\n")).unwrap();
    let pages = &gitlab["pages"];
    assert_eq!(pages["artifacts"]["paths"][0].as_str(), Some("public"));
    assert!(pages["script"][0]
        .as_str()
        .unwrap()
        .contains("--base-url \"$CI_PAGES_URL/\""));
    let netlify: toml::Table = toml::from_str(&block("```toml\n[build]")).unwrap();
    assert_eq!(netlify["build"]["publish"].as_str(), Some("public"));
    assert!(netlify["context"]["deploy-preview"]["command"]
        .as_str()
        .unwrap()
        .contains("$DEPLOY_PRIME_URL/"));
}
