//! Mapping parameters from the command line (`--param NAME=VALUE`, repeat
//! per parameter): each checked against the mapping's declaration before
//! any record is read, so a deployment missing one, or giving one the
//! mapping does not declare or a value not of its type, does not start.

use runtime::ParamDecl;

/// Supply `given` (`NAME=VALUE` each) to `mapping`'s parameters `decls`;
/// every parameter without a default must be given.
pub fn supply(mapping: &str, decls: &[ParamDecl<'_>], given: &[String]) -> Result<(), String> {
    let mut seen: Vec<&str> = Vec::new();
    for arg in given {
        let Some((name, value)) = arg.split_once('=') else {
            return Err(format!("--param `{arg}`: expected NAME=VALUE"));
        };
        let Some(decl) = decls.iter().find(|d| d.name == name) else {
            let names: Vec<&str> = decls.iter().map(|d| d.name).collect();
            let declared = if names.is_empty() {
                "it declares none".to_owned()
            } else {
                format!("it declares {}", names.join(", "))
            };
            return Err(format!(
                "`{mapping}` has no parameter `{name}` ({declared})"
            ));
        };
        if seen.contains(&name) {
            return Err(format!("--param {name}=...: given twice"));
        }
        seen.push(decl.name);
        runtime::params::supply(mapping, name, decl.ty, value)
            .map_err(|fault| format!("--param {name}: {}", fault.message))?;
    }
    for decl in decls {
        if decl.default.is_none() && !seen.contains(&decl.name) {
            return Err(format!(
                "`{mapping}` needs --param {}=<{}>",
                decl.name,
                decl.ty.name()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use runtime::params::ParamType;

    const DECLS: &[ParamDecl<'static>] = &[
        ParamDecl {
            name: "store_currency",
            ty: ParamType::CurrencyCode,
            default: None,
        },
        ParamDecl {
            name: "rate",
            ty: ParamType::Decimal,
            default: Some("0.2"),
        },
    ];

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_deployment_must_give_what_the_mapping_declares_and_nothing_else() {
        let refused = |given: &[&str]| supply("test.params", DECLS, &args(given)).unwrap_err();
        assert_eq!(
            refused(&[]),
            "`test.params` needs --param store_currency=<CurrencyCode>"
        );
        assert_eq!(
            refused(&["store_currency=eur"]),
            "--param store_currency: \"eur\" is not an ISO 4217 currency code (three upper-case letters)"
        );
        assert_eq!(
            refused(&["store=EUR"]),
            "`test.params` has no parameter `store` (it declares store_currency, rate)"
        );
        assert_eq!(
            refused(&["store_currency"]),
            "--param `store_currency`: expected NAME=VALUE"
        );
        assert_eq!(
            refused(&["store_currency=EUR", "store_currency=USD"]),
            "--param store_currency=...: given twice"
        );
        assert_eq!(
            supply("test.params", DECLS, &args(&["store_currency=EUR"])),
            Ok(())
        );
        assert_eq!(
            runtime::params::text("test.params", "store_currency", None).unwrap(),
            "EUR"
        );
    }
}
