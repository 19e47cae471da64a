//! A mapping project's manifest, `mapc.toml`: the project's name and
//! version, the canonical model version its mappings target, and the
//! folders holding its mappings.
//!
//! ```toml
//! [project]
//! name = "acme-mappings"
//! version = "0.1.0"
//! canonical-model = "1"
//!
//! [mappings]
//! folders = ["mappings"]
//! ```

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The manifest's file name.
pub const FILE: &str = "mapc.toml";

/// Names a project cannot have: the crates its binary is built with.
const RESERVED: [&str; 4] = ["runtime", "host", "service", "maprt-cli"];

/// A parsed `mapc.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// `[project]`.
    pub project: Project,
    /// `[mappings]`.
    #[serde(default)]
    pub mappings: Mappings,
}

/// `[project]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Project {
    /// Lower case letters, digits and `-`, starting with a letter: also the
    /// name of the binary `mapc build` makes.
    pub name: String,
    /// The project's version (`0.1.0`).
    pub version: String,
    /// The canonical model version the mappings target; `mapc build`
    /// refuses a project whose version the compiler does not carry.
    pub canonical_model: String,
}

/// `[mappings]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mappings {
    /// Folders searched for `.map` files, relative to the manifest.
    pub folders: Vec<PathBuf>,
}

impl Default for Mappings {
    fn default() -> Self {
        Self {
            folders: vec![PathBuf::from("mappings")],
        }
    }
}

impl Manifest {
    /// Parse a manifest's text; the error names the line.
    pub fn parse(text: &str) -> Result<Self, String> {
        let manifest: Self = toml::from_str(text).map_err(|e| e.to_string())?;
        let name = &manifest.project.name;
        let valid = name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid {
            return Err(format!(
                "project name `{name}`: use lower case letters, digits and `-`, starting with a letter"
            ));
        }
        if RESERVED.contains(&name.as_str()) {
            return Err(format!(
                "project name `{name}`: taken by a crate of the runtime it is built with ({})",
                RESERVED.join(", ")
            ));
        }
        if manifest.mappings.folders.is_empty() {
            return Err("[mappings] folders: name at least one folder".to_owned());
        }
        Ok(manifest)
    }

    /// The manifest text `mapc init` writes.
    pub fn initial(name: &str, canonical_model: &str) -> String {
        format!(
            "# A mapping project: `mapc check`, `mapc test` and `mapc build` read this.\n\
             [project]\n\
             name = \"{name}\"\n\
             version = \"0.1.0\"\n\
             # The canonical model the mappings target (`schemas/canonical/`, from\n\
             # `mapc canonical export`).\n\
             canonical-model = \"{canonical_model}\"\n\
             \n\
             [mappings]\n\
             folders = [\"mappings\"]\n"
        )
    }
}

/// The folder holding `mapc.toml`, from `start` upwards.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(FILE).is_file())
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_and_defaults_its_folders() {
        let text = "[project]\nname = \"acme\"\nversion = \"0.1.0\"\ncanonical-model = \"1\"\n";
        let manifest = Manifest::parse(text).expect("valid");
        assert_eq!(manifest.mappings.folders, [PathBuf::from("mappings")]);
        let initial = Manifest::parse(&Manifest::initial("acme", "1")).expect("valid");
        assert_eq!(initial, manifest);
    }

    #[test]
    fn bad_manifests_say_what_is_wrong() {
        let unknown = Manifest::parse(
            "[project]\nname = \"a\"\nversion = \"1\"\ncanonical-model = \"1\"\nedition = 2\n",
        );
        assert!(unknown.is_err_and(|e| e.contains("unknown field `edition`")));
        let name = Manifest::parse(
            "[project]\nname = \"Acme Co\"\nversion = \"1\"\ncanonical-model = \"1\"\n",
        );
        assert_eq!(
            name,
            Err("project name `Acme Co`: use lower case letters, digits and `-`, starting with a letter".to_owned())
        );
    }
}
