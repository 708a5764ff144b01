//! Keeps docs/CONFIG.md true: its table of environment variables is generated here from the
//! clap definition (every subcommand, every flag), and this test fails when the two differ,
//! printing the table the definition gives so the fix is a paste.

use super::Cli;
use clap::{Arg, Command, CommandFactory};
use std::collections::BTreeMap;

const CONFIG_MD: &str = include_str!("../../../../docs/CONFIG.md");
const START: &str = "<!-- generated from the clap definition: begin -->";
const END: &str = "<!-- generated from the clap definition: end -->";

/// One variable as the command line defines it.
#[derive(Default)]
struct Variable {
    flag: String,
    default: String,
    help: String,
    commands: Vec<String>,
}

#[test]
fn config_md_lists_every_environment_variable_of_the_command_line() {
    let expected = generated_section(&Cli::command());
    let Some(documented) = between_markers(CONFIG_MD) else {
        panic!("docs/CONFIG.md lacks the markers {START} and {END}");
    };
    assert!(
        documented.trim() == expected.trim(),
        "docs/CONFIG.md is out of step with the command line; put this between its markers:\n\n{expected}"
    );
}

#[test]
fn the_fault_flag_has_no_variable_but_its_list_form_has() {
    // README and PROTOCOL.md talk about these two; the generated table must show the split.
    let section = generated_section(&Cli::command());
    assert!(
        section.contains("| `OPENLINES_FAULTS` | `--faults` |"),
        "{section}"
    );
    assert!(section.contains("`serve`: `--fault`"), "{section}");
}

fn between_markers(text: &str) -> Option<&str> {
    let start = text.find(START)? + START.len();
    let end = text[start..].find(END)? + start;
    Some(&text[start..end])
}

/// The Markdown between the markers: the variables, then the flags that have none.
fn generated_section(root: &Command) -> String {
    let mut variables: BTreeMap<String, Variable> = BTreeMap::new();
    let mut without: Vec<(String, Vec<String>)> = Vec::new();
    walk(root, &[], &mut variables, &mut without);

    let mut out = String::from(
        "\n| variable | flag | default | what it sets | read by |\n|---|---|---|---|---|\n",
    );
    for (name, variable) in &variables {
        out.push_str(&format!(
            "| `{name}` | `{}` | {} | {} | {} |\n",
            variable.flag,
            variable.default,
            variable.help,
            variable
                .commands
                .iter()
                .map(|command| format!("`{command}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out.push_str("\nFlags with no environment variable (each describes one command):\n\n");
    for (command, flags) in &without {
        let flags: Vec<String> = flags.iter().map(|flag| format!("`{flag}`")).collect();
        out.push_str(&format!("- `{command}`: {}\n", flags.join(", ")));
    }
    out
}

fn walk(
    command: &Command,
    path: &[&str],
    variables: &mut BTreeMap<String, Variable>,
    without: &mut Vec<(String, Vec<String>)>,
) {
    let name = path.join(" ");
    let mut plain_flags = Vec::new();
    for arg in command.get_arguments() {
        let Some(long) = arg.get_long() else {
            continue; // positional arguments are what the command works on, never settings
        };
        if matches!(long, "help" | "version") {
            continue;
        }
        match arg.get_env() {
            Some(env) => {
                let env = env.to_string_lossy().into_owned();
                let variable = variables.entry(env).or_default();
                if variable.commands.is_empty() {
                    variable.flag = format!("--{long}");
                    variable.default = default_of(arg);
                    variable.help = help_of(arg);
                }
                assert_eq!(
                    variable.flag,
                    format!("--{long}"),
                    "one variable, two flags: `{name}`"
                );
                variable.commands.push(name.clone());
            }
            None => plain_flags.push(format!("--{long}")),
        }
    }
    if !plain_flags.is_empty() {
        without.push((name, plain_flags));
    }
    let mut subcommands: Vec<&Command> = command.get_subcommands().collect();
    subcommands.sort_by_key(|sub| sub.get_name());
    for sub in subcommands {
        if sub.get_name() == "help" {
            continue;
        }
        let mut sub_path = path.to_vec();
        sub_path.push(sub.get_name());
        walk(sub, &sub_path, variables, without);
    }
}

fn default_of(arg: &Arg) -> String {
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|value| format!("`{}`", value.to_string_lossy()))
        .collect();
    if defaults.is_empty() {
        "—".to_owned()
    } else {
        defaults.join(", ")
    }
}

/// The flag's one-paragraph help on one line, safe inside a Markdown table cell (`<code>`
/// in a help text would otherwise be read as HTML).
fn help_of(arg: &Arg) -> String {
    arg.get_help()
        .map(|help| help.to_string())
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
