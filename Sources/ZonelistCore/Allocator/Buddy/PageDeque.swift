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

  /// `count` entries from `start`, `step` apart, at the back, in that order (each as `pushBack`).
  mutating func pushBack(from start: Int, count: Int, step: Int) {
    reserve(count)
    let mask = storage.count - 1
    var page = start
    for i in 0..<count {
      storage[(head + self.count + i) & mask] = UInt32(truncatingIfNeeded: page)
      page += step
    }
    self.count += count
  }

  /// `count` entries from `start`, `step` apart, at the front, in that order (each as `pushFront`:
  /// the last ends up first).
  mutating func pushFront(from start: Int, count: Int, step: Int) {
    reserve(count)
    let mask = storage.count - 1
    var page = start
    for _ in 0..<count {
      head = (head &- 1) & mask
      storage[head] = UInt32(truncatingIfNeeded: page)
      page += step
    }
    self.count += count
  }

  /// Takes `count` entries from the front (each as `popFront`), as runs of entries `step` apart.
  mutating func popFront(_ count: Int, step: Int) -> [(start: Int, count: Int)] {
    precondition(count <= self.count, "popping \(count) of \(self.count) entries")
    var runs: [(start: Int, count: Int)] = []
    let mask = storage.count - 1
    var i = 0
    while i < count {
      let start = Int(storage[(head + i) & mask])
      var length = 1
      while i + length < count && Int(storage[(head + i + length) & mask]) == start + length * step { length += 1 }
      runs.append((start, length))
      i += length
    }
    head = (head + count) & mask
    self.count -= count
    return runs
  }

  private mutating func reserve(_ extra: Int) {
    while count + extra > storage.count { grow() }
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
