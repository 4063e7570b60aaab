//! Growth for the short lists builders fill one item at a time (a container's ports, env
//! vars, env sources and mounts, a Service's ports): room for exactly one item at first
//! instead of the four a `Vec` reserves, since most of these lists hold one or two. For a
//! stack of thousands of apps that is a few hundred bytes less per app.

/// Appends `item` to `list`, reserving room for exactly one item when `list` has none.
pub(crate) fn push<T>(list: &mut Vec<T>, item: T) {
    if list.capacity() == 0 {
        list.reserve_exact(1);
    }
    list.push(item);
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_first_item_gets_exactly_its_room_and_later_ones_grow_as_usual() {
        let mut list = Vec::new();
        super::push(&mut list, 1u64);
        assert_eq!(list.capacity(), 1);
        for i in 2..=9 {
            super::push(&mut list, i);
        }
        assert_eq!(list, (1..=9).collect::<Vec<_>>());
    }
}
