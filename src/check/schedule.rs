//! CronJob schedules and time zones, read as the API server reads them: its validation
//! (pkg/apis/batch/validation/validation.go, validateScheduleFormat and validateTimeZone)
//! parses the schedule with robfig/cron v3's `ParseStandard` (parser.go: five fields or a
//! descriptor) and refuses any `TZ`.

/// (min, max, names) of the five standard fields (robfig/cron v3 spec.go, `bounds`).
const FIELDS: [(&str, u64, u64, &[&str]); 5] = [
    ("minute", 0, 59, &[]),
    ("hour", 0, 23, &[]),
    ("day of month", 1, 31, &[]),
    (
        "month",
        1,
        12,
        &[
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ],
    ),
    (
        "day of week",
        0,
        6,
        &["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
    ),
];

/// Why the controller cannot read `schedule`, or `None`.
pub(super) fn schedule_problem(schedule: &str) -> Option<String> {
    if schedule.contains("TZ") {
        return Some(
            "the schedule names a time zone (TZ or CRON_TZ); the api server refuses it in the schedule"
                .to_owned(),
        );
    }
    if schedule.is_empty() {
        return Some("the schedule is empty".to_owned());
    }
    if let Some(descriptor) = schedule.strip_prefix('@') {
        return match descriptor {
            "yearly" | "annually" | "monthly" | "weekly" | "daily" | "midnight" | "hourly" => None,
            _ => match descriptor.strip_prefix("every ") {
                Some(d) if go_duration(d) => None,
                Some(d) => Some(format!("`{d}` is not a duration such as `90m` or `1h30m`")),
                None => Some(format!("`@{descriptor}` is not a schedule descriptor")),
            },
        };
    }
    let fields: Vec<&str> = schedule.split_whitespace().collect();
    if fields.len() != 5 {
        return Some(format!(
            "expected exactly 5 fields (minute hour day-of-month month day-of-week), found {}",
            fields.len()
        ));
    }
    for (text, (what, min, max, names)) in fields.iter().zip(FIELDS) {
        for range in text.split(',').filter(|r| !r.is_empty()) {
            if let Err(e) = check_range(range, min, max, names) {
                return Some(format!("{what} `{range}`: {e}"));
            }
        }
    }
    None
}

/// robfig/cron's `getRange`: `*`/`?`, `N`, `N-M`, each with an optional `/step`.
fn check_range(expr: &str, min: u64, max: u64, names: &[&str]) -> Result<(), String> {
    let mut parts = expr.split('/');
    let range = parts.next().unwrap_or_default();
    let step = parts.next();
    if parts.next().is_some() {
        return Err("too many slashes".to_owned());
    }
    let bounds: Vec<&str> = range.split('-').collect();
    let (start, mut end) = if bounds[0] == "*" || bounds[0] == "?" {
        (min, max)
    } else {
        let start = int_or_name(bounds[0], names)?;
        match bounds.len() {
            1 => (start, start),
            2 => (start, int_or_name(bounds[1], names)?),
            _ => return Err("too many hyphens".to_owned()),
        }
    };
    if let Some(step) = step {
        let step = int(step)?;
        if step == 0 {
            return Err("the step must be a positive number".to_owned());
        }
        if bounds.len() == 1 {
            end = max;
        }
    }
    if start < min {
        return Err(format!("{start} is below the minimum {min}"));
    }
    if end > max {
        return Err(format!("{end} is above the maximum {max}"));
    }
    if start > end {
        return Err(format!("the range starts at {start}, after its end {end}"));
    }
    Ok(())
}

fn int_or_name(s: &str, names: &[&str]) -> Result<u64, String> {
    let lower = s.to_ascii_lowercase();
    match names.iter().position(|n| *n == lower) {
        // Months are named from 1, days of the week from 0.
        Some(i) => Ok(i as u64 + u64::from(names.len() == 12)),
        None => int(s),
    }
}

/// Go's `strconv.Atoi`, then robfig's refusal of negatives.
fn int(s: &str) -> Result<u64, String> {
    match s.parse::<i64>() {
        Ok(n) if n < 0 => Err(format!("negative number {n}")),
        Ok(n) => Ok(n.unsigned_abs()),
        Err(_) => Err(format!("`{s}` is not a number")),
    }
}

/// Go's `time.ParseDuration` grammar: `[-+]?` then one or more `number unit`, units
/// ns us µs ms s m h, numbers with an optional fraction (or `0` alone).
fn go_duration(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    if s == "0" {
        return true;
    }
    let mut rest = s;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        let number = &rest[..digits];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return false;
        }
        rest = &rest[digits..];
        let unit = ["ns", "us", "µs", "μs", "ms", "s", "m", "h"]
            .iter()
            .filter(|u| rest.starts_with(**u))
            .max_by_key(|u| u.len());
        match unit {
            Some(u) => rest = &rest[u.len()..],
            None => return false,
        }
    }
    true
}

/// Why the API server refuses `zone` as `spec.timeZone`, or `None` (validateTimeZone; whether
/// the zone exists in the server's tz database is not known here).
pub(super) fn time_zone_problem(zone: &str) -> Option<String> {
    if zone.is_empty() {
        return Some("the time zone is empty".to_owned());
    }
    let valid_part = |p: &str| {
        p != "."
            && p != ".."
            && !p.starts_with('-')
            && (1..=14).contains(&p.len())
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+'))
    };
    if !zone.split('/').all(valid_part) {
        return Some(format!("`{zone}` is not an iana time zone name"));
    }
    if zone.eq_ignore_ascii_case("local") {
        return Some("`Local` is not an explicit time zone".to_owned());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_read_as_robfig_cron_reads_them() {
        for ok in [
            "0 3 * * *",
            "*/5 * * * *",
            "0 0 1 jan *",
            "0 0 * * MON-FRI",
            "15,45 9-17 ? * 1-5",
            "0 0 1-31/2 * *",
            "5/15 * * * *",
            "@hourly",
            "@daily",
            "@every 1h30m",
            "@every 90s",
            "0  3 *   * *",
        ] {
            assert_eq!(schedule_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "every day",
            "0 3 * *",
            "0 3 * * * *",
            "60 * * * *",
            "* 24 * * *",
            "* * 0 * *",
            "* * * 13 *",
            "* * * * 7",
            "* * * * sunday",
            "5-1 * * * *",
            "*/0 * * * *",
            "1-2-3 * * * *",
            "1/2/3 * * * *",
            "-1 * * * *",
            "@often",
            "@every soon",
            "@Daily",
            "CRON_TZ=UTC 0 3 * * *",
            "TZ=Europe/Berlin 0 3 * * *",
        ] {
            assert!(schedule_problem(bad).is_some(), "{bad:?} passed");
        }
    }

    #[test]
    fn time_zones_read_as_the_api_server_reads_them() {
        for ok in [
            "Etc/UTC",
            "Europe/Berlin",
            "America/Argentina/Buenos_Aires",
            "GMT+0",
        ] {
            assert_eq!(time_zone_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "Local",
            "local",
            "Europe//Berlin",
            "/UTC",
            "../etc",
            "-UTC",
            "A/Verylongcomponentname",
        ] {
            assert!(time_zone_problem(bad).is_some(), "{bad:?} passed");
        }
    }
}
