//! `cmkb serve`: parse the flags, run [`cmkb::serve`], pick the exit code.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use cmkb::content::Audience;
use cmkb::serve::{ServeError, ServeOptions};
use jiff::civil::Date;

type Today = fn(Option<Date>) -> Result<Date, String>;

#[derive(Args)]
pub struct ServeArgs {
    /// The site folder (holding site.toml and content/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The address to listen on. Anything but a loopback address (127.0.0.1,
    /// ::1) makes the preview reachable from other machines.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// The port [default: 1111, or the next free one]. A port that is taken
    /// is an error; 0 lets the system pick one.
    #[arg(long)]
    port: Option<u16>,
    /// Open the preview in the default browser.
    #[arg(long)]
    open: bool,
    /// Include pages marked `draft = true`.
    #[arg(long)]
    drafts: bool,
    /// Preview the internal edition: include `visibility = "internal"` pages.
    #[arg(long)]
    internal: bool,
    /// The date review deadlines are measured against (YYYY-MM-DD)
    /// [default: SOURCE_DATE_EPOCH, else today]
    #[arg(long, value_parser = crate::parse_date)]
    today: Option<Date>,
    /// Print where each rebuild's time went.
    #[arg(long, short)]
    verbose: bool,
}

pub fn serve(args: ServeArgs, today: Today) -> ExitCode {
    let today = match today(args.today) {
        Ok(date) => date,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let options = ServeOptions {
        root: args.root,
        bind: args.bind,
        port: args.port,
        open: args.open,
        audience: Audience {
            internal: args.internal,
            drafts: args.drafts,
        },
        today,
        verbose: args.verbose,
    };
    match cmkb::serve::run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(match e {
                ServeError::Site(cmkb::Error::Config { .. })
                | ServeError::PortInUse { .. }
                | ServeError::NoFreePort { .. } => 2,
                _ => 1,
            })
        }
    }
}
