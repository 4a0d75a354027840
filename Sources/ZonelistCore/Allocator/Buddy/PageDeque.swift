/// A double-ended queue of page offsets within a zone: a free list or a per-CPU list.
///
/// Kernel: the `struct list_head` of `free_area[order].free_list[migratetype]` and of
/// `per_cpu_pages.lists[pindex]`; the front is the list head (`list_first_entry`), the back its
/// tail (`list_last_entry`).
struct PageDeque: Sendable {
  private var storage: [UInt32] = []
  private var head = 0
  private(set) var count = 0

  var isEmpty: Bool { count == 0 }

  /// Kernel: `list_add()`.
  mutating func pushFront(_ page: UInt32) {
    if count == storage.count { grow() }
    head = (head &- 1) & (storage.count - 1)
    storage[head] = page
    count += 1
  }

  /// Kernel: `list_add_tail()`.
  mutating func pushBack(_ page: UInt32) {
    if count == storage.count { grow() }
    storage[(head + count) & (storage.count - 1)] = page
    count += 1
  }

  /// Kernel: `list_first_entry()` and `list_del()`.
  mutating func popFront() -> UInt32? {
    guard count > 0 else { return nil }
    let page = storage[head]
    head = (head + 1) & (storage.count - 1)
    count -= 1
    return page
  }

  /// Kernel: `list_last_entry()` and `list_del()`.
  mutating func popBack() -> UInt32? {
    guard count > 0 else { return nil }
    count -= 1
    return storage[(head + count) & (storage.count - 1)]
  }

  /// Keeps the entries `keep` accepts, in order.
  mutating func filter(_ keep: (UInt32) -> Bool) {
    var kept: [UInt32] = []
    kept.reserveCapacity(count)
    for i in 0..<count {
      let page = storage[(head + i) & (storage.count - 1)]
      if keep(page) { kept.append(page) }
    }
    storage = []
    head = 0
    count = 0
    for page in kept { pushBack(page) }
  }

  /// The entries from front to back.
  var elements: [UInt32] { (0..<count).map { storage[(head + $0) & (storage.count - 1)] } }

  /// Bytes held.
  var capacityBytes: Int { storage.capacity * 4 }

  private mutating func grow() {
    let old = storage
    let newCapacity = Swift.max(8, old.count * 2)
    storage = [UInt32](repeating: 0, count: newCapacity)
    for i in 0..<count { storage[i] = old[(head + i) & (old.count - 1)] }
    head = 0
  }
}
