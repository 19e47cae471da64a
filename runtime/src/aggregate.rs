//! Array builtins that work on any element type: `count`, `min`, `max`,
//! `first`, `last`, `at`, `distinct`, `group_by`, `flatten`, and the
//! presence test `is_present`.
//!
//! They are generic, so generated code calls them on its own typed vectors
//! and the evaluator on its values: one definition of each rule (the tie
//! rule of `min`/`max` included) for both back ends.

/// `count(xs)`: the number of elements.
pub fn count<T>(items: &[T]) -> i64 {
    i64::try_from(items.len()).unwrap_or(i64::MAX)
}

/// `min(xs)`: the smallest element, absent for none. Of equal elements the
/// first is kept (`1.0` and `1.00` are equal but print differently).
pub fn min<T: Ord>(items: Vec<T>) -> Option<T> {
    items.into_iter().min()
}

/// `max(xs)`: the largest element, absent for none. Of equal elements the
/// last is kept.
pub fn max<T: Ord>(items: Vec<T>) -> Option<T> {
    items.into_iter().max()
}

/// `first(xs)`: the first element, absent for none (`first(for x in xs
/// where ...)` finds one).
pub fn first<I: IntoIterator>(items: I) -> Option<I::Item> {
    items.into_iter().next()
}

/// `at(xs, i)` and `xs[i]` of a computed array: the element at `i`
/// (0-based, negative from the end: `-1` is the last), absent out of range.
pub fn at<I>(items: I, index: i64) -> Option<I::Item>
where
    I: IntoIterator,
    I::IntoIter: ExactSizeIterator,
{
    let mut items = items.into_iter();
    let position = if index < 0 {
        let back = usize::try_from(index.unsigned_abs()).ok()?;
        items.len().checked_sub(back)?
    } else {
        usize::try_from(index).ok()?
    };
    items.nth(position)
}

/// `last(xs)`: the last element, absent for none.
pub fn last<I: IntoIterator>(items: I) -> Option<I::Item> {
    items.into_iter().last()
}

/// `distinct(xs)`: each value once, the first of equal ones, in order
/// (linear time).
pub fn distinct<T: std::hash::Hash + Eq + Clone>(items: Vec<T>) -> Vec<T> {
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    items
        .into_iter()
        .filter(|item| seen.insert(item.clone()))
        .collect()
}

/// `group_by(xs, x => key)`: the elements in groups of equal keys (`keys`
/// holds each element's key, in order), groups in the order their first
/// element comes, elements in their order; linear time. Equal keys are
/// equal values (`1.0` and `1.00` are one group).
pub fn group_by<I, K>(items: I, keys: Vec<K>) -> Vec<Vec<I::Item>>
where
    I: IntoIterator,
    K: std::hash::Hash + Eq,
{
    let mut position = std::collections::HashMap::with_capacity(keys.len());
    let mut groups: Vec<Vec<I::Item>> = Vec::new();
    for (item, key) in items.into_iter().zip(keys) {
        let next = groups.len();
        let at = *position.entry(key).or_insert(next);
        match groups.get_mut(at) {
            Some(group) => group.push(item),
            None => groups.push(vec![item]),
        }
    }
    groups
}

/// `flatten(xss)`: the inner arrays' elements, one array after the other.
pub fn flatten<I: IntoIterator>(outer: Vec<I>) -> Vec<I::Item> {
    outer.into_iter().flatten().collect()
}

/// `is_present(x)`: whether an optional value is there.
pub fn is_present<T>(value: &Option<T>) -> bool {
    value.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_counts_from_either_end_and_is_absent_outside() {
        let xs = vec!["a", "b", "c"];
        assert_eq!(at(xs.clone(), 1), Some("b"));
        assert_eq!(at(xs.clone(), -1), Some("c"));
        assert_eq!(at(xs.clone(), -3), Some("a"));
        assert_eq!(at(xs.clone(), 3), None);
        assert_eq!(at(xs.clone(), -4), None);
        assert_eq!(at(xs, i64::MIN), None);
        assert_eq!(first(Vec::<i64>::new()), None);
        assert_eq!(distinct(vec![2, 1, 2, 3, 1]), [2, 1, 3]);
    }
    use rust_decimal::Decimal;

    #[test]
    fn min_keeps_the_first_and_max_the_last_of_equal_elements() {
        let one = Decimal::new(10, 1); // 1.0
        let one_again = Decimal::new(100, 2); // 1.00
        assert_eq!(
            min(vec![one, one_again]).map(|d| d.to_string()),
            Some("1.0".into())
        );
        assert_eq!(
            max(vec![one, one_again]).map(|d| d.to_string()),
            Some("1.00".into())
        );
        assert_eq!(min(Vec::<i64>::new()), None);
    }

    #[test]
    fn group_by_keeps_first_appearance_order_and_equal_decimals_together() {
        let rate = |text: &str| text.parse::<Decimal>().unwrap_or_default();
        let lines = ["a", "b", "c", "d", "e"];
        let keys = vec![
            rate("0.20"),
            rate("0.05"),
            rate("0.2"),
            rate("0"),
            rate("0.050"),
        ];
        let groups = group_by(lines, keys);
        assert_eq!(groups, vec![vec!["a", "c"], vec!["b", "e"], vec!["d"]]);
        assert!(group_by(Vec::<i64>::new(), Vec::<i64>::new()).is_empty());
        let slice: &[i64] = &[1, 2, 3, 4];
        assert_eq!(
            group_by(slice, vec![true, false, true, true]),
            vec![vec![&1, &3, &4], vec![&2]]
        );
    }

    #[test]
    fn count_flatten_and_presence() {
        assert_eq!(count(&[1, 2, 3]), 3);
        assert_eq!(flatten(vec![vec![1], vec![], vec![2, 3]]), vec![1, 2, 3]);
        let slices: Vec<&[i64]> = vec![&[1, 2], &[3]];
        assert_eq!(flatten(slices), vec![&1, &2, &3]);
        assert!(is_present(&Some(1)));
        assert!(!is_present(&None::<i64>));
    }
}
