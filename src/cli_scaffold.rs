//! The everyday-workflow subcommands: `init`, `new`, `completions`, `man`.
//! Thin: parse, call [`cmkb::scaffold`], say what happened and what to do next.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use cmkb::check::Lang;
use cmkb::scaffold::{self, Ci, InitOptions, NewPage, ScaffoldError};
use jiff::civil::Date;

type Today = fn(Option<Date>) -> Result<Date, String>;

#[derive(Args)]
pub struct InitArgs {
    /// The folder to create the site in; created if missing.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// The site's main language; the other one gets the translations.
    #[arg(long, value_parser = ["es", "en"], default_value = "es")]
    lang: String,
    /// Replace files that already exist.
    #[arg(long)]
    force: bool,
    /// Also write CI workflows: `github` checks pull requests and publishes
    /// to GitHub Pages.
    #[arg(long, value_enum)]
    ci: Option<Ci>,
    /// Write only the CI workflows, for a site that already exists.
    #[arg(long, requires = "ci")]
    only_ci: bool,
    /// The date written as `reviewed` (YYYY-MM-DD) [default: SOURCE_DATE_EPOCH, else today]
    #[arg(long, value_parser = crate::parse_date)]
    today: Option<Date>,
}

#[derive(Args)]
pub struct NewArgs {
    /// The content type: guide, playbook, policy, template, or one declared
    /// in site.toml.
    #[arg(value_name = "TYPE")]
    kind: String,
    /// The page's title; the file is named after it.
    title: String,
    /// The page's language [default: site.toml's default_language].
    #[arg(long)]
    lang: Option<String>,
    /// The folder under content/ [default: the type's folder, e.g. playbooks].
    #[arg(long, value_name = "PATH")]
    section: Option<PathBuf>,
    /// The file name, when the title's slug is not the one wanted (e.g. to
    /// pair a translation with its original: same slug, other --lang).
    #[arg(long)]
    slug: Option<String>,
    /// The site folder (holding site.toml and content/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The date written as `reviewed` (YYYY-MM-DD) [default: SOURCE_DATE_EPOCH, else today]
    #[arg(long, value_parser = crate::parse_date)]
    today: Option<Date>,
}

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(Args)]
pub struct ManArgs {
    /// Write cmkb.1 and a page per subcommand (cmkb-build.1, …) into this
    /// folder, instead of printing cmkb.1.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

fn exit_for(error: &ScaffoldError) -> ExitCode {
    match error {
        ScaffoldError::Io { .. } => ExitCode::from(1),
        _ => ExitCode::from(2),
    }
}

/// `./content/x.md` → `content/x.md`, for messages.
fn shown(path: &Path) -> String {
    let text = path.display().to_string();
    text.strip_prefix("./").map(str::to_string).unwrap_or(text)
}

pub fn init(args: InitArgs, today: Today) -> ExitCode {
    let today = match today(args.today) {
        Ok(date) => date,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let lang = if args.lang == "en" {
        Lang::En
    } else {
        Lang::Es
    };
    let options = InitOptions {
        dir: args.dir.clone(),
        lang,
        force: args.force,
        ci: args.ci,
        only_ci: args.only_ci,
        today,
    };
    let report = match scaffold::init(&options) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {e}");
            return exit_for(&e);
        }
    };
    let dir = shown(&args.dir);
    let here = dir == ".";
    if args.only_ci {
        eprintln!(
            "Added the CI workflows{}:",
            if here {
                String::new()
            } else {
                format!(" to {dir}")
            }
        );
    } else {
        let place = if here {
            String::new()
        } else {
            format!(" in {dir}")
        };
        eprintln!(
            "Created a knowledge base{place}, in {} with {} translations:",
            lang.pick("Spanish", "English"),
            lang.pick("English", "Spanish"),
        );
    }
    for path in &report.written {
        let replaced = if report.replaced.contains(path) {
            "  (replaced)"
        } else {
            ""
        };
        eprintln!("  {}{replaced}", path.display());
    }
    match report.gitignore {
        Some(scaffold::GitignoreChange::Created) => eprintln!("  .gitignore  (leaves out public/)"),
        Some(scaffold::GitignoreChange::Appended) => {
            eprintln!("  .gitignore  (added public/ to it)")
        }
        None => {}
    }
    if args.ci == Some(Ci::Github) {
        eprintln!(
            "\nOn GitHub, turn on Pages once: Settings → Pages → Source: GitHub Actions.\nThe workflows install cmkb {} with cargo; the comments at their top say how to pin another version or source.",
            env!("CARGO_PKG_VERSION")
        );
    }
    if !args.only_ci {
        let cd = if here {
            String::new()
        } else {
            format!("  cd {dir}")
        };
        let new = format!(
            "cmkb new playbook \"{}\"",
            lang.pick("Responder a una crisis", "Responding to a crisis")
        );
        eprintln!("\nNext:");
        if !cd.is_empty() {
            eprintln!("{cd}");
        }
        for (command, what) in [
            ("cmkb build", "build the site into public/"),
            (new.as_str(), "start a page"),
            ("cmkb check", "check the guidance before you publish"),
        ] {
            eprintln!("  {command:<44} {what}");
        }
    }
    ExitCode::SUCCESS
}

pub fn new(args: NewArgs, today: Today) -> ExitCode {
    let today = match today(args.today) {
        Ok(date) => date,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let request = NewPage {
        root: args.root.clone(),
        kind: args.kind.clone(),
        title: args.title.clone(),
        lang: args.lang.clone(),
        section: args.section.clone(),
        slug: args.slug.clone(),
        today,
    };
    let created = match scaffold::new_page(&request) {
        Ok(created) => created,
        Err(e) => {
            eprintln!("error: {e}");
            return exit_for(&e);
        }
    };
    // The path alone on stdout, for `$EDITOR "$(cmkb new …)"`.
    println!("{}", shown(&created.path));
    let marker = Lang::of(&created.lang).pick(scaffold::PROMPT_ES, scaffold::PROMPT_EN);
    let from = match &created.archetype {
        scaffold::ArchetypeSource::Site(path) => format!(" from {}", shown(path)),
        _ => String::new(),
    };
    eprintln!(
        "Created a {} in {}{from}. Replace the {} lines starting with `{marker}` with real text, then run `cmkb check`.",
        args.kind.trim(),
        created.lang,
        created.prompts,
    );
    if !created.owner_from_config {
        eprintln!(
            "Its owner is \"{}\"; set `default_owner` in site.toml to choose the team new pages belong to.",
            created.owner
        );
    }
    ExitCode::SUCCESS
}

pub fn completions(args: CompletionsArgs, mut command: clap::Command) -> ExitCode {
    clap_complete::generate(args.shell, &mut command, "cmkb", &mut std::io::stdout());
    ExitCode::SUCCESS
}

pub fn man(args: ManArgs, command: clap::Command) -> ExitCode {
    let result = match &args.dir {
        Some(dir) => std::fs::create_dir_all(dir)
            .and_then(|()| clap_mangen::generate_to(command, dir))
            .map(|()| eprintln!("Wrote the manual pages to {}", dir.display())),
        None => {
            let mut out = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut out)
                .and_then(|()| std::io::Write::write_all(&mut std::io::stdout(), &out))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write the manual page: {e}");
            ExitCode::from(1)
        }
    }
}
