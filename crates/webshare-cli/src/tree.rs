//! The whole command tree: the hand-written commands (`crate::cli`) with every generated command added
//! where `crate::placement` puts it, and the way back from parsed arguments to the operation to run.

use clap::{ArgMatches, CommandFactory as _};
use serde_json::json;
use webshare::operations::{self, OperationId};

use crate::cli::Cli;
use crate::placement::{Place, place};
use crate::stdout::outln;

/// Every command, hand-written and generated.
pub fn command() -> clap::Command {
    let mut root = Cli::command();
    for operation in operations::ALL {
        if let Place::Generated(path) = place(operation.id) {
            let words: Vec<&'static str> = path.split(' ').collect();
            root = insert(root, &words, operation.id);
        }
    }
    // Hand-written and generated groups side by side, in the order of `placement::ORDER`.
    for (at, name) in crate::placement::ORDER.iter().enumerate() {
        if root.find_subcommand(name).is_some() {
            root = root.mut_subcommand(name, |group| group.display_order(at));
        }
    }
    root
}

/// Adds the generated command of `operation` at `words` below `command`, making the groups on the way
/// that no hand-written command makes.
fn insert(command: clap::Command, words: &[&'static str], operation: OperationId) -> clap::Command {
    let Some((first, rest)) = words.split_first() else {
        return command;
    };
    if rest.is_empty() {
        // After the arguments: clap's derive sets the command's about from the struct's doc.
        let about = operation.operation().summary;
        let leaf = crate::generated::augment(operation, clap::Command::new(*first))
            .about(about)
            .long_about(None);
        return command.subcommand(leaf);
    }
    if command.find_subcommand(first).is_some() {
        command.mut_subcommand(first, |group| insert(group, rest, operation))
    } else {
        let group = clap::Command::new(*first)
            .about(crate::placement::group_about(first))
            .subcommand_required(true)
            .arg_required_else_help(true);
        command.subcommand(insert(group, rest, operation))
    }
}

/// The generated operation the arguments ask for, and its command's own matches.
pub fn generated(matches: &ArgMatches) -> Option<(OperationId, &ArgMatches)> {
    let mut words = Vec::new();
    let mut leaf = matches;
    while let Some((name, sub)) = leaf.subcommand() {
        words.push(name);
        leaf = sub;
    }
    let path = words.join(" ");
    operations::ALL
        .iter()
        .find(|operation| matches!(place(operation.id), Place::Generated(at) if at == path))
        .map(|operation| (operation.id, leaf))
}

/// `webshare operations`: every operation with its method, path and command; `--json` prints one JSON
/// array of `{"operation", "method", "path", "command", "generated"}`.
pub fn print_operations(json: bool) {
    if json {
        let all: Vec<_> = operations::ALL
            .iter()
            .map(|operation| {
                json!({
                    "operation": operation.name,
                    "method": operation.method.as_str(),
                    "path": operation.path,
                    "command": format!("webshare {}", place(operation.id).path()),
                    "generated": matches!(place(operation.id), Place::Generated(_)),
                })
            })
            .collect();
        outln!(
            "{}",
            crate::output::json_line(&serde_json::Value::Array(all))
        );
        return;
    }
    let rows: Vec<[String; 4]> = operations::ALL
        .iter()
        .map(|o| {
            [
                o.name.to_owned(),
                o.method.as_str().to_owned(),
                o.path.to_owned(),
                format!("webshare {}", place(o.id).path()),
            ]
        })
        .collect();
    let width = |i: usize| rows.iter().map(|r| r[i].len()).max().unwrap_or(0);
    let (a, b, c) = (width(0), width(1), width(2));
    for [name, method, path, command] in rows {
        outln!("{name:a$}  {method:b$}  {path:c$}  {command}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every operation's command exists in the tree, and a generated one leads back to its operation.
    #[test]
    fn every_operation_has_a_command_in_the_tree() {
        let root = command();
        for operation in operations::ALL {
            let path = place(operation.id).path();
            let mut node = &root;
            for word in path.split(' ') {
                node = node.find_subcommand(word).unwrap_or_else(|| {
                    panic!("`{}`: no command `webshare {path}`", operation.name)
                });
            }
            if let Place::Generated(_) = place(operation.id) {
                let mut argv = vec!["webshare".to_owned()];
                argv.extend(path.split(' ').map(str::to_owned));
                argv.extend(required_values(node));
                let matches = root
                    .clone()
                    .try_get_matches_from(&argv)
                    .unwrap_or_else(|e| {
                        panic!(
                            "`{}`: `{}` does not parse: {e}",
                            operation.name,
                            argv.join(" ")
                        )
                    });
                assert_eq!(generated(&matches).map(|(id, _)| id), Some(operation.id));
            }
        }
    }

    /// Arguments for the required arguments of a command: positionals, then `--flag value`.
    fn required_values(command: &clap::Command) -> Vec<String> {
        let value = |a: &clap::Arg| {
            a.get_possible_values()
                .first()
                .map_or_else(|| "1".to_owned(), |v| v.get_name().to_owned())
        };
        let mut argv: Vec<String> = command
            .get_positionals()
            .filter(|a| a.is_required_set())
            .map(value)
            .collect();
        for arg in command.get_opts().filter(|a| a.is_required_set()) {
            argv.push(format!("--{}", arg.get_long().unwrap_or_default()));
            argv.push(value(arg));
        }
        argv
    }

    #[test]
    fn the_tree_is_consistent() {
        command().debug_assert();
    }

    /// Every command at the top is in the help's order, so none is listed apart from its neighbours.
    #[test]
    fn every_top_command_has_its_place_in_the_help() {
        for sub in command().get_subcommands() {
            let name = sub.get_name();
            assert!(
                crate::placement::ORDER.contains(&name),
                "`webshare {name}` is not in placement::ORDER"
            );
        }
    }
}
