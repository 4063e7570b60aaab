//! Quantities, ported from apimachinery's `quantity_test.go`
//! (TestQuantityParse, TestQuantityString, TestQuantityParseEmit and the invalid inputs),
//! plus properties checked with proptest.

use kubefit::{Cpu, Memory, Quantity, QuantityFormat, Storage};
use proptest::prelude::*;

use QuantityFormat::{BinarySi as Bin, DecimalExponent as Exp, DecimalSi as Dec};

/// `decQuantity(i, exponent, format)` from the Go tests, as nano-units.
fn dec(i: i128, exponent: i32) -> i128 {
    let e = exponent + 9;
    if e >= 0 {
        i * 10i128.pow(e as u32)
    } else {
        // Only used for exact values in the tables.
        i / 10i128.pow((-e) as u32)
    }
}

const MAX_BINARY: i128 = (i64::MAX as i128) * 1_000_000_000;

fn parse_table() -> Vec<(&'static str, i128, QuantityFormat)> {
    vec![
        ("0", dec(0, 0), Dec),
        ("0n", dec(0, 0), Dec),
        ("0u", dec(0, 0), Dec),
        ("0m", dec(0, 0), Dec),
        ("0Ki", dec(0, 0), Bin),
        ("0k", dec(0, 0), Dec),
        ("0Mi", dec(0, 0), Bin),
        ("0M", dec(0, 0), Dec),
        ("0Gi", dec(0, 0), Bin),
        ("0G", dec(0, 0), Dec),
        ("0Ti", dec(0, 0), Bin),
        ("0T", dec(0, 0), Dec),
        // Quantity less numbers are allowed
        ("1", dec(1, 0), Dec),
        // Binary suffixes
        ("1Ki", dec(1024, 0), Bin),
        ("8Ki", dec(8 * 1024, 0), Bin),
        ("7Mi", dec(7 * 1024 * 1024, 0), Bin),
        ("6Gi", dec(6 * 1024 * 1024 * 1024, 0), Bin),
        ("5Ti", dec(5 * 1024i128.pow(4), 0), Bin),
        ("4Pi", dec(4 * 1024i128.pow(5), 0), Bin),
        ("3Ei", dec(3 * 1024i128.pow(6), 0), Bin),
        ("10Ti", dec(10 * 1024i128.pow(4), 0), Bin),
        ("100Ti", dec(100 * 1024i128.pow(4), 0), Bin),
        // Decimal suffixes
        ("5n", dec(5, -9), Dec),
        ("4u", dec(4, -6), Dec),
        ("3m", dec(3, -3), Dec),
        ("9", dec(9, 0), Dec),
        ("8k", dec(8, 3), Dec),
        ("50k", dec(5, 4), Dec),
        ("7M", dec(7, 6), Dec),
        ("6G", dec(6, 9), Dec),
        ("5T", dec(5, 12), Dec),
        ("40T", dec(4, 13), Dec),
        ("300T", dec(3, 14), Dec),
        ("2P", dec(2, 15), Dec),
        ("1E", dec(1, 18), Dec),
        // Decimal exponents
        ("1E-3", dec(1, -3), Exp),
        ("1e3", dec(1, 3), Exp),
        ("1E6", dec(1, 6), Exp),
        ("1e9", dec(1, 9), Exp),
        ("1E12", dec(1, 12), Exp),
        ("1e15", dec(1, 15), Exp),
        ("1E18", dec(1, 18), Exp),
        // Nonstandard but still parsable
        ("1e14", dec(1, 14), Exp),
        ("1e13", dec(1, 13), Exp),
        ("1e3", dec(1, 3), Exp),
        ("100.035k", dec(100035, 0), Dec),
        // Things that look like floating point
        ("0.001", dec(1, -3), Dec),
        ("0.0005k", dec(5, -1), Dec),
        ("0.005", dec(5, -3), Dec),
        ("0.05", dec(5, -2), Dec),
        ("0.5", dec(5, -1), Dec),
        ("0.00050k", dec(5, -1), Dec),
        ("0.00500", dec(5, -3), Dec),
        ("0.05000", dec(5, -2), Dec),
        ("0.50000", dec(5, -1), Dec),
        ("0.5e0", dec(5, -1), Exp),
        ("0.5e-1", dec(5, -2), Exp),
        ("0.5e-2", dec(5, -3), Exp),
        ("0.5e0", dec(5, -1), Exp),
        ("10.035M", dec(10035, 3), Dec),
        ("1.2e3", dec(12, 2), Exp),
        ("1.3E+6", dec(13, 5), Exp),
        ("1.40e9", dec(14, 8), Exp),
        ("1.53E12", dec(153, 10), Exp),
        ("1.6e15", dec(16, 14), Exp),
        ("1.7E18", dec(17, 17), Exp),
        ("9.01", dec(901, -2), Dec),
        ("8.1k", dec(81, 2), Dec),
        ("7.123456M", dec(7123456, 0), Dec),
        ("6.987654321G", dec(6987654321, 0), Dec),
        ("5.444T", dec(5444, 9), Dec),
        ("40.1T", dec(401, 11), Dec),
        ("300.2T", dec(3002, 11), Dec),
        ("2.5P", dec(25, 14), Dec),
        ("1.01E", dec(101, 16), Dec),
        // Things that saturate/round
        ("3.001n", dec(4, -9), Dec),
        ("1.1E-9", dec(2, -9), Exp),
        ("0.0000000001", dec(1, -9), Dec),
        ("0.0000000005", dec(1, -9), Dec),
        ("0.00000000050", dec(1, -9), Dec),
        ("0.5e-9", dec(1, -9), Exp),
        ("0.9n", dec(1, -9), Dec),
        ("0.00000012345", dec(124, -9), Dec),
        ("0.00000012354", dec(124, -9), Dec),
        ("9Ei", MAX_BINARY, Bin),
        ("9223372036854775807Ki", MAX_BINARY, Bin),
        ("12E", dec(12, 18), Dec),
        // We'll accept fractional binary stuff, too.
        ("100.035Ki", dec(10243584, -2), Bin),
        ("0.5Mi", dec(512 * 1024, 0), Bin),
        ("0.05Gi", dec(536870912, -1), Bin),
        ("0.025Ti", dec(274877906944, -1), Bin),
        // Things written by trolls
        ("0.000000000001Ki", dec(2, -9), Dec), // rounds up, changes format
        (".001", dec(1, -3), Dec),
        (".0001k", dec(100, -3), Dec),
        ("1.", dec(1, 0), Dec),
        ("1.G", dec(1, 9), Dec),
    ]
}

#[test]
fn quantity_parse_table() {
    assert!(
        "".parse::<Quantity>().is_err(),
        "empty string must be an error"
    );
    for (input, nanos, format) in parse_table() {
        let got: Quantity = input
            .parse()
            .unwrap_or_else(|e| panic!("{input}: unexpected error: {e}"));
        assert_eq!(got.nanos(), nanos, "{input}: value");
        assert_eq!(got.format(), format, "{input}: format");

        // The negative version of everything.
        let neg: Quantity = format!("-{input}").parse().unwrap();
        assert_eq!(neg.nanos(), -nanos, "-{input}: value");
        assert_eq!(neg.format(), format, "-{input}: format");

        // Everything with an explicit +.
        let pos: Quantity = format!("+{input}").parse().unwrap();
        assert_eq!(pos.nanos(), nanos, "+{input}: value");
        assert_eq!(pos.format(), format, "+{input}: format");
    }
}

#[test]
fn quantity_parse_invalid() {
    for input in [
        "1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-",
        // trailing whitespace is forbidden
        " 1", "1 ", // and what the grammar reference lists
        "K", "1K", "1Kib", "1KiB", "1mi", "",
    ] {
        assert!(
            input.parse::<Quantity>().is_err(),
            "{input:?} parsed unexpectedly"
        );
    }
}

#[test]
fn quantity_string_table() {
    // (value in nanos, format, expected canonical string, alternate spelling)
    let table: Vec<(i128, QuantityFormat, &str, &str)> = vec![
        (dec(1024 * 1024 * 1024, 0), Bin, "1Gi", "1024Mi"),
        (dec(300 * 1024 * 1024, 0), Bin, "300Mi", "307200Ki"),
        (dec(6 * 1024, 0), Bin, "6Ki", ""),
        (
            dec(1001 * 1024 * 1024 * 1024, 0),
            Bin,
            "1001Gi",
            "1025024Mi",
        ),
        (dec(1024i128.pow(4), 0), Bin, "1Ti", "1024Gi"),
        (dec(5, 0), Bin, "5", "5000m"),
        (dec(500, -3), Bin, "500m", "0.5"),
        (dec(1, 9), Dec, "1G", "1000M"),
        (dec(1000, 6), Dec, "1G", "0.001T"),
        (dec(1000000, 3), Dec, "1G", ""),
        (dec(1000000000, 0), Dec, "1G", ""),
        (dec(1, -3), Dec, "1m", "1000u"),
        (dec(80, -3), Dec, "80m", ""),
        (dec(1080, -3), Dec, "1080m", "1.08"),
        (dec(108, -2), Dec, "1080m", "1080000000n"),
        (dec(10800, -4), Dec, "1080m", ""),
        (dec(300, 6), Dec, "300M", ""),
        (dec(1, 12), Dec, "1T", ""),
        (dec(1, 18), Dec, "1E", ""),
        (dec(1, 21), Dec, "1e21", "1000E"),
        (dec(5, 21), Dec, "5e21", "5000E"),
        (dec(1, 24), Dec, "1e24", "1000000E"),
        (dec(1234567, 6), Dec, "1234567M", ""),
        (dec(1234567, -3), Bin, "1234567m", ""),
        (dec(3, 3), Dec, "3k", ""),
        (dec(1025, 0), Bin, "1025", ""),
        (dec(0, 0), Dec, "0", ""),
        (dec(0, 0), Bin, "0", ""),
        (dec(1, 9), Exp, "1e9", ".001e12"),
        (dec(1, -3), Exp, "1e-3", "0.001e0"),
        (dec(1, -9), Exp, "1e-9", "1000e-12"),
        (dec(80, -3), Exp, "80e-3", ""),
        (dec(300, 6), Exp, "300e6", ""),
        (dec(1, 12), Exp, "1e12", ""),
        (dec(1, 3), Exp, "1e3", ""),
        (dec(3, 3), Exp, "3e3", ""),
        (dec(3, 3), Dec, "3k", ""),
        (dec(0, 0), Exp, "0", "00"),
        (dec(1, -9), Dec, "1n", ""),
        (dec(80, -9), Dec, "80n", ""),
        (dec(1080, -9), Dec, "1080n", ""),
        (dec(108, -8), Dec, "1080n", ""),
        (dec(10800, -10), Dec, "1080n", ""),
        (dec(1, -6), Dec, "1u", ""),
        (dec(80, -6), Dec, "80u", ""),
        (dec(1080, -6), Dec, "1080u", ""),
    ];
    for (nanos, format, expect, alternate) in table {
        let q = Quantity::from_nanos(nanos, format);
        assert_eq!(q.to_string(), expect, "{nanos}n {format:?}");
        let reparsed: Quantity = expect.parse().unwrap();
        assert_eq!(reparsed.to_string(), expect, "{expect} re-emits itself");
        if !alternate.is_empty() {
            let alt: Quantity = alternate.parse().unwrap();
            assert_eq!(alt.to_string(), expect, "alternate {alternate}");
        }
        if nanos != 0 {
            assert_eq!(
                Quantity::from_nanos(-nanos, format).to_string(),
                format!("-{expect}")
            );
        }
    }
}

#[test]
fn quantity_parse_emit_table() {
    for (input, expect) in [
        ("1Ki", "1Ki"),
        ("1Mi", "1Mi"),
        ("1Gi", "1Gi"),
        ("1024Mi", "1Gi"),
        ("1000M", "1G"),
        (".001Ki", "1024m"),
        (".000001Ki", "1024u"),
        (".000000001Ki", "1024n"),
        (".000000000001Ki", "2n"),
    ] {
        let q: Quantity = input.parse().unwrap();
        assert_eq!(q.to_string(), expect, "{input}");
        let neg: Quantity = format!("-{input}").parse().unwrap();
        assert_eq!(neg.to_string(), format!("-{expect}"), "-{input}");
    }
}

#[test]
fn quantity_reference_examples() {
    for (input, expect) in [
        ("1.5", "1500m"),
        ("1.5Gi", "1536Mi"),
        ("1024Mi", "1Gi"),
        ("1000M", "1G"),
        (".001Ki", "1024m"),
        ("0.5Mi", "512Ki"),
        ("1e3", "1e3"),
        ("0.5e-1", "50e-3"),
        ("-1024Mi", "-1Gi"),
        ("0", "0"),
        ("0.9n", "1n"),
        ("3.001n", "4n"),
        (".000000000001Ki", "2n"),
    ] {
        assert_eq!(
            input.parse::<Quantity>().unwrap().to_string(),
            expect,
            "{input}"
        );
    }
}

#[test]
fn quantity_arithmetic_keeps_format_like_apimachinery() {
    let zero: Quantity = "0".parse().unwrap();
    for v in ["100m", "1Gi"] {
        let q: Quantity = v.parse().unwrap();
        assert_eq!((q + zero).to_string(), v);
        assert_eq!((zero + q).to_string(), v);
        assert_eq!((q - zero).to_string(), v);
        assert_eq!((zero - q).to_string(), (-q).to_string());
    }
    let total: Quantity = ["100m", "200m", "1"]
        .iter()
        .map(|s| s.parse::<Quantity>().unwrap())
        .sum();
    assert_eq!(total.to_string(), "1300m");
    assert!("10000T".parse::<Quantity>().unwrap() > "100Gi".parse().unwrap());
}

#[test]
fn quantity_serde_is_a_string() {
    let q: Quantity = "1.5Gi".parse().unwrap();
    assert_eq!(serde_json::to_string(&q).unwrap(), "\"1536Mi\"");
    let back: Quantity = serde_json::from_str("\"1536Mi\"").unwrap();
    assert_eq!(back, q);
    let int: Quantity = serde_json::from_str("2").unwrap();
    assert_eq!(int.to_string(), "2");
    assert!(
        serde_json::from_str::<Quantity>("1.5").is_err(),
        "floats are refused"
    );
}

#[test]
fn cpu_and_memory_parse_and_print() {
    assert_eq!("250m".parse::<Cpu>().unwrap(), Cpu::millis(250));
    assert_eq!("2".parse::<Cpu>().unwrap(), Cpu::cores(2));
    assert_eq!("0.1".parse::<Cpu>().unwrap().to_string(), "100m");
    assert_eq!(Cpu::millis(2000).to_string(), "2");
    assert_eq!(
        "0.5m".parse::<Cpu>().unwrap_err().to_string(),
        "cpu `0.5m` is finer than 1m; round it to whole millicores"
    );
    assert_eq!(
        "100u".parse::<Cpu>().unwrap_err().to_string(),
        "cpu `100u` is finer than 1m; round it to whole millicores"
    );
    assert!("-1".parse::<Cpu>().is_err());
    assert_eq!("1Gi".parse::<Memory>().unwrap(), Memory::gibibytes(1));
    assert_eq!("128974848".parse::<Memory>().unwrap().to_string(), "123Mi");
    assert_eq!("129e6".parse::<Memory>().unwrap().as_bytes(), 129_000_000);
    assert_eq!(Memory::gigabytes(12).to_string(), "12G");
    assert_eq!(Storage::gibibytes(200).to_string(), "200Gi");
    assert_eq!(
        "1.5".parse::<Memory>().unwrap_err().to_string(),
        "`1.5` is not a whole number of bytes; use a suffix such as `Mi` or `Gi`"
    );
    assert_eq!(
        "12Q".parse::<Memory>().unwrap_err().to_string(),
        "`12Q` is not a quantity: expected a number with an optional suffix such as `250m`, `1.5Gi` or `1e3`, with no spaces"
    );
    assert_eq!(
        "1ki".parse::<Memory>().unwrap_err().to_string(),
        "`1ki` has an unknown suffix `ki`: use one of n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent like e3"
    );
}

/// Found by `cargo fuzz run quantity`: a byte count above 2⁶³ − 1 printed with a binary
/// suffix read back capped.
#[test]
fn fuzz_regression_huge_memory_round_trips() {
    for input in [
        "11333313333333133312.",
        "18446744073709551615",
        "9223372036854775808",
    ] {
        let m: Memory = input.parse().unwrap();
        assert_eq!(
            m.to_string().parse::<Memory>().unwrap(),
            m,
            "{input} -> {m}"
        );
        assert_eq!(m.to_string(), m.to_quantity().to_string());
    }
}

fn any_quantity() -> impl Strategy<Value = Quantity> {
    let nanos = prop_oneof![
        any::<i64>().prop_map(i128::from),
        (-(1i128 << 90)..(1i128 << 90)),
        (0i64..1024, 0u32..6).prop_map(|(m, e)| i128::from(m) * 1024i128.pow(e) * 1_000_000_000),
        (0i64..1000, 0u32..24).prop_map(|(m, e)| i128::from(m) * 10i128.pow(e)),
    ];
    let format = prop_oneof![Just(Bin), Just(Dec), Just(Exp)];
    (nanos, format).prop_map(|(n, f)| Quantity::from_nanos(n, f))
}

proptest! {
    #[test]
    fn parse_of_display_is_identity(q in any_quantity()) {
        let s = q.to_string();
        let back: Quantity = s.parse().unwrap();
        prop_assert_eq!(back.nanos(), q.nanos(), "{}", s);
    }

    #[test]
    fn display_is_idempotent(q in any_quantity()) {
        // Canonicalising a string is idempotent. (A binary quantity printed without a suffix,
        // such as 10000, reads back as decimal and prints as `10k`, exactly as the API server
        // does; from then on the spelling is fixed.)
        let once = q.to_string().parse::<Quantity>().unwrap().to_string();
        let twice = once.parse::<Quantity>().unwrap().to_string();
        prop_assert_eq!(&once, &twice);
        prop_assert_eq!(once.parse::<Quantity>().unwrap(), q);
    }

    #[test]
    fn addition_and_subtraction_are_exact(a in any_quantity(), b in any_quantity()) {
        let sum = a.checked_add(b).unwrap();
        prop_assert_eq!(sum.nanos(), a.nanos() + b.nanos());
        prop_assert_eq!(sum.checked_sub(b).unwrap(), a);
        let reparsed: Quantity = sum.to_string().parse().unwrap();
        prop_assert_eq!(reparsed, sum);
    }

    #[test]
    fn parser_never_panics(s in "\\PC{0,24}") {
        let _ = s.parse::<Quantity>();
    }

    #[test]
    fn cpu_round_trips(m in 0u64..10_000_000) {
        let c = Cpu::millis(m);
        prop_assert_eq!(c.to_string().parse::<Cpu>().unwrap(), c);
    }

    #[test]
    fn fast_display_matches_quantity_display(b in any::<u64>(), shift in 0u32..40, m in any::<u64>()) {
        let bytes = b.checked_shl(shift).unwrap_or(b);
        prop_assert_eq!(Memory::bytes(bytes).to_string(), Memory::bytes(bytes).to_quantity().to_string());
        prop_assert_eq!(Memory::bytes(b % 100_000 * 1000).to_string(), Memory::bytes(b % 100_000 * 1000).to_quantity().to_string());
        prop_assert_eq!(Cpu::millis(m).to_string(), Cpu::millis(m).to_quantity().to_string());
        prop_assert_eq!(Cpu::millis(m % 10_000_000).to_string(), Cpu::millis(m % 10_000_000).to_quantity().to_string());
    }

    #[test]
    fn memory_round_trips(b in any::<u32>(), shift in 0u32..30) {
        let m = Memory::bytes(u64::from(b) << shift);
        prop_assert_eq!(m.to_string().parse::<Memory>().unwrap(), m);
    }
}
