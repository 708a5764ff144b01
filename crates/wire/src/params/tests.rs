use super::*;
use proptest::prelude::*;
use serde_json::json;

fn decode(query: &str) -> Value {
    Value::Object(decode_query(query, Limits::default()).unwrap())
}

#[test]
fn flat_and_nested_names() {
    assert_eq!(
        decode("a=1&b[c]=2&b[d][0]=3"),
        json!({"a":"1","b":{"c":"2","d":["3"]}})
    );
}

#[test]
fn append_takes_the_next_integer_key() {
    assert_eq!(decode("a[]=x&a[]=y"), json!({"a":["x","y"]}));
    assert_eq!(decode("a[5]=x&a[]=y"), json!({"a":{"5":"x","6":"y"}}));
    assert_eq!(decode("a[k]=x&a[]=y"), json!({"a":{"k":"x","0":"y"}}));
}

#[test]
fn later_pairs_win_and_scalars_become_arrays() {
    assert_eq!(decode("a=1&a=2"), json!({"a":"2"}));
    assert_eq!(decode("a=1&a[b]=2"), json!({"a":{"b":"2"}}));
}

#[test]
fn php_name_quirks() {
    assert_eq!(decode("a.b=1&c d=2"), json!({"a_b":"1","c_d":"2"}));
    assert_eq!(decode("a[b=1"), json!({"a_b":"1"}));
    assert_eq!(decode("a[b]junk=1"), json!({"a":{"b":"1"}}));
    assert_eq!(decode("%20%20x=1"), json!({"x":"1"}));
    assert_eq!(decode("=1&[a]=2"), json!({}));
}

#[test]
fn percent_and_plus_decoding() {
    assert_eq!(
        decode("cmd%5Ba%5D=server.time%3Fx%3D1&t=a+b"),
        json!({"cmd":{"a":"server.time?x=1"},"t":"a b"})
    );
}

#[test]
fn keys_that_are_not_canonical_integers_stay_objects() {
    assert_eq!(decode("a[0]=x&a[01]=y"), json!({"a":{"0":"x","01":"y"}}));
    assert_eq!(decode("a[1]=x&a[0]=y"), json!({"a":{"1":"x","0":"y"}}));
}

#[test]
fn limits_are_enforced() {
    let limits = Limits {
        max_params: 2,
        max_depth: 2,
    };
    assert_eq!(
        decode_query("a=1&b=2&c=3", limits),
        Err(DecodeError::TooManyParameters { limit: 2 })
    );
    assert_eq!(
        decode_query("a[b][c]=1", limits),
        Err(DecodeError::TooDeep { limit: 2 })
    );
    assert_eq!(
        from_json(json!({"a":{"b":{"c":1}}}), limits),
        Err(DecodeError::TooDeep { limit: 2 })
    );
}

#[test]
fn json_bodies_keep_types_and_get_php_lists() {
    let params = from_json(
        json!({"n":1205,"f":false,"m":{"0":"a","1":"b"}}),
        Limits::default(),
    )
    .unwrap();
    assert_eq!(
        Value::Object(params),
        json!({"n":1205,"f":false,"m":["a","b"]})
    );
    assert!(from_json(json!([1, 2]), Limits::default())
        .unwrap()
        .is_empty());
}

#[test]
fn encode_matches_http_build_query() {
    let params = json!({"FIELDS":{"TITLE":"a b&c","LIST":["x","y"]},"ACTIVE":true,"N":null});
    let Value::Object(params) = params else {
        unreachable!()
    };
    assert_eq!(
        encode(&params),
        "FIELDS%5BTITLE%5D=a+b%26c&FIELDS%5BLIST%5D%5B0%5D=x&FIELDS%5BLIST%5D%5B1%5D=y&ACTIVE=1"
    );
}

#[test]
fn php_empty_matches_php() {
    for empty in [
        json!(""),
        json!("0"),
        json!(0),
        json!(0.0),
        json!(false),
        json!(null),
        json!([]),
    ] {
        assert!(php_empty(Some(&empty)), "{empty}");
    }
    for full in [json!("a"), json!("00"), json!(1), json!(true), json!(["x"])] {
        assert!(!php_empty(Some(&full)), "{full}");
    }
    assert!(php_empty(None));
}

/// Names PHP keeps as they are: no brackets, dots or spaces, not starting with a space.
fn php_safe_name() -> impl Strategy<Value = String> {
    "[A-Za-z_][A-Za-z0-9_\\-:ÄöЖ]{0,8}"
}

fn tree() -> impl Strategy<Value = Value> {
    let leaf = "[ -~ЖÄ\u{1F600}]{0,12}".prop_map(Value::String);
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..5).prop_map(Value::Array),
            prop::collection::btree_map(php_safe_name(), inner, 1..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn encode_then_decode_gives_back_the_tree(
        params in prop::collection::btree_map(php_safe_name(), tree(), 0..6)
    ) {
        let params: Params = params.into_iter().collect();
        let expected = normalize_map(params.clone());
        let decoded = decode_query(&encode(&params), Limits { max_params: 100_000, max_depth: 64 }).unwrap();
        prop_assert_eq!(decoded, expected);
    }

    #[test]
    fn decoding_never_panics(query in "[a-z\\[\\]=&%0-9.+ ]{0,64}") {
        let _ = decode_query(&query, Limits::default());
    }
}

/// The bounds are inclusive: exactly `max_params` pairs and `max_depth` levels pass, one more
/// does not, for query strings and JSON bodies alike (cargo-mutants survivors).
#[test]
fn the_bounds_admit_exactly_the_limit() {
    let limits = Limits {
        max_params: 3,
        max_depth: 2,
    };
    assert!(decode_query("a=1&b=2&c=3", limits).is_ok());
    assert_eq!(
        decode_query("a=1&b=2&c=3&d=4", limits),
        Err(DecodeError::TooManyParameters { limit: 3 })
    );
    assert_eq!(
        decode_query("a[b]=1", limits).unwrap(),
        *json!({"a":{"b":"1"}}).as_object().unwrap()
    );
    assert_eq!(
        decode_query("a[b][c]=1", limits),
        Err(DecodeError::TooDeep { limit: 2 })
    );

    assert!(from_json(json!({"a":1,"b":2,"c":3}), limits).is_ok());
    assert_eq!(
        from_json(json!({"a":1,"b":2,"c":3,"d":4}), limits),
        Err(DecodeError::TooManyParameters { limit: 3 })
    );
    // Leaves inside lists count too, and nesting through lists counts as depth.
    assert_eq!(
        from_json(json!({"a":[1,2,3,4]}), limits),
        Err(DecodeError::TooManyParameters { limit: 3 })
    );
    assert_eq!(
        from_json(json!({"a":[1,2,3]}), limits).unwrap(),
        *json!({"a":[1,2,3]}).as_object().unwrap()
    );
    assert!(from_json(json!({"a":{"b":1}}), limits).is_ok());
    assert!(from_json(json!({"a":[1]}), limits).is_ok());
    assert_eq!(
        from_json(json!({"a":{"b":{"c":1}}}), limits),
        Err(DecodeError::TooDeep { limit: 2 })
    );
    assert_eq!(
        from_json(json!({"a":[[[1]]]}), limits),
        Err(DecodeError::TooDeep { limit: 2 })
    );
}

#[test]
fn decode_errors_say_the_limit() {
    assert_eq!(
        DecodeError::TooManyParameters { limit: 7 }.to_string(),
        "Too many parameters: at most 7 are accepted"
    );
    assert_eq!(
        DecodeError::TooDeep { limit: 4 }.to_string(),
        "Parameters nest too deeply: at most 4 levels are accepted"
    );
}

#[test]
fn php_string_prints_scalars_as_php_does() {
    assert_eq!(php_string(&json!("text")), Some("text".to_owned()));
    assert_eq!(php_string(&json!(42)), Some("42".to_owned()));
    assert_eq!(php_string(&json!(1.5)), Some("1.5".to_owned()));
    assert_eq!(php_string(&json!(true)), Some("1".to_owned()));
    assert_eq!(php_string(&json!(false)), Some(String::new()));
    assert_eq!(php_string(&json!(null)), None);
    assert_eq!(php_string(&json!([1])), None);
    assert_eq!(php_string(&json!({"a":1})), None);
}

#[test]
fn php_array_writes_lists_and_maps_as_json_encode_does() {
    let map = |value: Value| value.as_object().unwrap().clone();
    assert_eq!(php_array(Map::new()), json!([]));
    assert_eq!(php_array(map(json!({"0":"a","1":"b"}))), json!(["a", "b"]));
    assert_eq!(php_array(map(json!({"1":"a"}))), json!({"1":"a"}));
    assert_eq!(
        php_array(map(json!({"x":{"0":1,"1":2}}))),
        json!({"x":[1,2]})
    );
}

#[test]
fn plain_names_are_kept_and_php_rewrites_the_others() {
    let params = decode_query(
        "CRM_ENTITY=5&a.b=1&c%20d=2&%20lead=3&x[y]=4&=5&%5B=6",
        Limits::default(),
    )
    .unwrap();
    assert_eq!(
        Value::Object(params),
        serde_json::json!({
            "CRM_ENTITY": "5", "a_b": "1", "c_d": "2", "lead": "3", "x": {"y": "4"}, "_": "6"
        })
    );
}

proptest! {
    /// The in-place split used when nothing needs decoding gives the same tree, and the same
    /// refusals, as `form_urlencoded`'s parser on the same text.
    #[test]
    fn the_plain_split_decodes_as_form_urlencoded_does(query in "[a-zA-Z0-9_=&\\[\\]. é]{0,60}") {
        let limits = Limits { max_params: 6, max_depth: 3 };
        let mut plain = ParamsBuilder::new(limits);
        let mut encoded = ParamsBuilder::new(limits);
        let plain_result = plain.insert_plain(&query);
        let encoded_result = encoded.insert_encoded(&query);
        prop_assert_eq!(plain_result, encoded_result);
        prop_assert_eq!(plain.finish(), encoded.finish());
    }
}
