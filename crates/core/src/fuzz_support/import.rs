//! Import of Portolan JSON: the text pasted into "Import a Portolan file".

use super::settings::check_valid_settings;
use crate::export::{self, ExportInput, FormatId};
use crate::profiles::MAX_NAME_LEN;
use crate::secrets::MAX_PASSWORD_LEN;
use crate::sensitive::Sensitive;

/// Pasted text: an accepted profile is valid and survives export and import unchanged; a
/// refusal names each problem and does not depend on the password's value.
pub fn import(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match export::import_json(text) {
        Ok(imported) => check_imported(&imported),
        Err(e) => {
            assert!(!e.problems.is_empty(), "a refusal without a problem");
            for p in &e.problems {
                assert!(!p.message.is_empty(), "a problem without words");
            }
        }
    }
    check_password_not_echoed(text);
}

fn check_imported(imported: &export::Imported) {
    let name = &imported.name;
    assert!(!name.is_empty() && name.trim() == name, "name not trimmed");
    assert!(name.chars().count() <= MAX_NAME_LEN, "name too long");
    assert!(
        !name.chars().any(char::is_control),
        "name with a control character"
    );
    assert!(
        imported.settings.validate().is_ok(),
        "imported settings do not validate"
    );
    check_valid_settings(&imported.settings);
    let password = imported.password.as_ref().map(|p| p.expose().clone());
    if let Some(p) = &password {
        assert!(
            !p.is_empty() && p.len() <= MAX_PASSWORD_LEN,
            "password of {} bytes",
            p.len()
        );
    }
    let input = ExportInput {
        name: Some(name.clone()),
        profile_id: None,
        settings: imported.settings.clone(),
        password: password.clone().map(Sensitive::new),
        provider_id: imported.provider_id.clone(),
    };
    let json = export::export(FormatId::Json, &input, password.is_some())
        .unwrap_or_else(|e| panic!("an imported profile cannot be exported: {}", e.code()));
    let again = export::import_json(&json.text)
        .unwrap_or_else(|e| panic!("an exported profile is refused: {:?}", field_names(&e)));
    assert_eq!(&again.name, name, "name changed by export and import");
    assert_eq!(
        again.settings, imported.settings,
        "settings changed by export and import"
    );
    assert_eq!(
        again.provider_id, imported.provider_id,
        "provider changed by export and import"
    );
    // Without a sign-in name there is no password to carry.
    let kept = password.filter(|_| imported.settings.username.is_some());
    assert!(
        again.password.as_ref().map(|p| p.expose()) == kept.as_ref(),
        "password changed by export and import"
    );
}

fn field_names(e: &export::ImportError) -> Vec<&str> {
    e.problems.iter().map(|p| p.field.as_str()).collect()
}

/// The outcome of importing `text` must not change when only the password's characters do:
/// a refusal never quotes the password.
fn check_password_not_echoed(text: &str) {
    let Ok(mut value) =
        serde_json::from_str::<serde_json::Value>(text.trim_start_matches('\u{feff}'))
    else {
        return;
    };
    let Some(serde_json::Value::String(p)) = value.get("password").cloned() else {
        return;
    };
    let original = value.to_string();
    if let Some(obj) = value.as_object_mut() {
        let stand_in = "x".repeat(p.len());
        obj.insert("password".into(), serde_json::Value::String(stand_in));
    }
    let changed = value.to_string();
    if original.len().max(changed.len()) > export::MAX_IMPORT_LEN {
        return;
    }
    match (
        export::import_json(&original),
        export::import_json(&changed),
    ) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.name, b.name);
            assert_eq!(a.settings, b.settings);
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "a refusal depends on the password"),
        _ => panic!("whether a profile is accepted depends on its password's characters"),
    }
}
