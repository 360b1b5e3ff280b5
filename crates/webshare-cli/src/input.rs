//! Reading secrets: from a prompt without echo, or from standard input for scripts, one a line in the
//! order each command reads them (code, current password, new password, recaptcha token). Not from an
//! argument, which other local users can read in the process list (`--recaptcha` remains for
//! compatibility: recaptcha tokens are short-lived).

use std::io::{BufRead, IsTerminal};

use webshare::Secret;

/// Secret values of one command, read in a fixed order from standard input or prompts.
pub struct SecretInput {
    stdin_lines: Option<std::io::Lines<std::io::StdinLock<'static>>>,
}

impl SecretInput {
    /// No secret read yet.
    pub fn new() -> Self {
        Self { stdin_lines: None }
    }

    /// Reads one secret: the next line of standard input when `from_stdin`, else a prompt without echo.
    pub fn read(&mut self, what: &str, from_stdin: bool) -> Result<Secret, String> {
        let value = if from_stdin {
            let lines = self
                .stdin_lines
                .get_or_insert_with(|| std::io::stdin().lock().lines());
            match lines.next() {
                Some(Ok(line)) => line,
                Some(Err(e)) => {
                    return Err(format!("cannot read the {what} from standard input: {e}"));
                }
                None => return Err(format!("standard input ended before the {what}")),
            }
        } else {
            if !std::io::stdin().is_terminal() {
                return Err(format!(
                    "the {what} is read from a prompt, but standard input is not a terminal; pass it on \
                     standard input with the matching --*-stdin flag"
                ));
            }
            rpassword::prompt_password(format!("{what}: "))
                .map_err(|e| format!("cannot read the {what}: {e}"))?
        };
        let value = value.trim_end_matches(['\r', '\n']).to_owned();
        if value.is_empty() {
            return Err(format!("the {what} is empty"));
        }
        Ok(Secret::new(value))
    }

    /// The recaptcha token: the `--recaptcha` argument, else the next line of standard input with
    /// `--recaptcha-stdin`, else a prompt. Read after the command's other secrets.
    pub fn recaptcha(&mut self, args: &RecaptchaArgs) -> Result<Secret, String> {
        match &args.recaptcha {
            Some(value) => Ok(Secret::new(value.as_str())),
            None => self.read("recaptcha token", args.recaptcha_stdin),
        }
    }
}

/// Where a recaptcha token comes from: the argument, standard input, or else a prompt without echo.
#[derive(Debug, clap::Args)]
pub struct RecaptchaArgs {
    /// Recaptcha token (prompted for without echo when neither this nor --recaptcha-stdin is given).
    #[arg(long, value_name = "TOKEN", conflicts_with = "recaptcha_stdin")]
    pub recaptcha: Option<String>,
    /// Read the recaptcha token from standard input (the line after any other secret read from it)
    /// instead of a prompt.
    #[arg(long)]
    pub recaptcha_stdin: bool,
}
