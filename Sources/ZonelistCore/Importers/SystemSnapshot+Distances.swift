/// Reads the distance table from the online nodes' `distance` files.
///
/// Kernel: `node_read_distance()` prints `node_distance(nid, i)` for every online node `i`.
/// A row that lists every possible node or every node directory instead (snapshots can be
/// inconsistent) is read as such; missing rows are completed from the other rows as if the
/// table were symmetric, and the kernel's defaults (10/20) fill what no file gives.
///
/// - Complexity: O(n²) for n nodes, without hashing per cell: rows are scattered into a dense
///   table by column position, the columns being sorted lists merged once.
struct DistanceReader {
  let files: SnapshotFiles
  let online: [Int]
  let possible: [Int]
  let directories: [Int]
  typealias Path = SystemSnapshot.Path

  /// Which nodes a row's values are for.
  enum Columns: Int, CaseIterable { case online, possible, directories }

  /// One node's row as its file gives it: `count` values from `start` in the cells read.
  struct Row {
    /// The node's position in ``DistanceReader/online``.
    var onlineIndex: Int
    var start: Int
    var count: Int
    var columns: Columns
  }

  func ids(_ columns: Columns) -> [Int] {
    switch columns {
    case .online: online
    case .possible: possible
    case .directories: directories
    }
  }

  /// The table, its cells read as bytes (the kernel's `numa_distance[]` is `u8`).
  ///
  /// A value that does not fit a byte is always an error (``DistanceMatrix`` checks every cell
  /// in 10...255): the table is then read again with integer cells, to find and name the first
  /// error exactly as the checks in their order do.
  func read(notes: inout [Diagnostic]) throws(ImportError) -> DistanceMatrix {
    var byteNotes = notes
    if let table = try read(UInt8.self, notes: &byteNotes) {
      notes = byteNotes
      return table
    }
    guard let table = try read(Int.self, notes: &notes) else {
      throw ImportError(file: files.name(Path.nodeRoot), line: 0, text: "", expected: "distances in 10...255")
    }
    return table
  }

  /// The table with `Cell` cells, or nil when a value does not fit `Cell`.
  private func read<Cell: FixedWidthInteger>(_: Cell.Type, notes: inout [Diagnostic]) throws(ImportError) -> DistanceMatrix? {
    var grouped = GroupedNotes()
    var rows: [Row] = []
    rows.reserveCapacity(online.count)
    // Every row's values, one after the other (rows left out leave nothing).
    var cells: [Cell] = []
    cells.reserveCapacity(online.count * online.count)
    var tooWide = false
    for (index, id) in online.enumerated() {
      if let row = try row(of: id, onlineIndex: index, cells: &cells, grouped: &grouped, tooWide: &tooWide) { rows.append(row) }
      if tooWide { return nil }
    }
    notes += grouped.rendered
    var kinds: Set<Columns> = [.online]
    for row in rows { kinds.insert(row.columns) }
    let tableIDs = rows.isEmpty ? online : Array(kinds.reduce(into: Set<Int>()) { $0.formUnion(ids($1)) }).sorted()
    let distances: DistanceMatrix
    if rows.isEmpty {
      distances = .uniform(online.map { NodeID($0) })
      if !grouped.isEmpty { notes.append(.defaultDistances) }
    } else {
      distances = try table(rows, cells: cells, kinds: kinds, tableIDs: tableIDs, notes: &notes)
    }
    var inTable = Set(tableIDs)
    let uncovered = possible.filter { !inTable.contains($0) }
    inTable.removeAll()
    if !uncovered.isEmpty {
      notes.append(.offlineWithoutDistances(nodes: uncovered))
    }
    return distances
  }

  /// Node `id`'s row, appended to `cells`, or nil (with a grouped note, nothing appended) when
  /// its file is missing, empty or all zero, or (`tooWide` set) when a value does not fit `Cell`.
  private func row<Cell: FixedWidthInteger>(
    of id: Int, onlineIndex: Int, cells: inout [Cell], grouped: inout GroupedNotes, tooWide: inout Bool
  ) throws(ImportError) -> Row? {
    let path = Path.node(id, "distance")
    guard let text = files[path] else {
      grouped.add("missing", id, Diagnostic.distanceMissing)
      return nil
    }
    let start = cells.count
    if let field = text.appendIntegers(text.all, to: &cells) {
      if text.integer(field) != nil {
        tooWide = true
        return nil
      }
      throw ImportError(file: files.name(path), line: 1, text: text.trimmedString(text.all), expected: "distances as integers")
    }
    let count = cells.count - start
    let allZero = !cells[start...].contains { $0 != 0 }
    let columns: Columns
    let (online, possible, directories) = (self.online, self.possible, self.directories)
    if count == 0 {
      grouped.add("empty", id, Diagnostic.distanceEmpty)
      return nil
    } else if count == online.count {
      columns = .online
    } else if count == possible.count {
      columns = .possible
      grouped.add("possible", id) { .distanceRowsPerPossibleNode(nodes: $0, possible: possible, online: online) }
    } else if count == directories.count {
      columns = .directories
      grouped.add("directories", id) { .distanceRowsPerDirectory(nodes: $0, directories: directories, online: online) }
    } else {
      throw ImportError(
        file: files.name(path), line: 1, text: text.trimmedString(text.all),
        expected: "\(online.count) distances, one per online node (\(IDList.format(online)))")
    }
    if allZero {
      // Kernel: ia64 without an ACPI SLIT prints node_distance() as 0.
      grouped.add("zero", id, Diagnostic.distanceRowsZero)
      cells.removeLast(count)
      return nil
    }
    return Row(onlineIndex: onlineIndex, start: start, count: count, columns: columns)
  }

  /// The position in `tableIDs` of each id of `ids` (both ascending, `ids` within `tableIDs`).
  static func positions(of ids: [Int], in tableIDs: [Int]) -> [Int] {
    var positions: [Int] = []
    positions.reserveCapacity(ids.count)
    var k = 0
    for id in ids {
      while tableIDs[k] != id { k += 1 }
      positions.append(k)
    }
    return positions
  }

  /// The full table over `tableIDs`: each cell from its row, else from the mirrored cell, else
  /// the kernel's default.
  private func table<Cell: FixedWidthInteger>(
    _ rows: [Row], cells: [Cell], kinds: Set<Columns>, tableIDs: [Int], notes: inout [Diagnostic]
  ) throws(ImportError) -> DistanceMatrix {
    let n = tableIDs.count
    let values: [Cell]
    let isGiven: [Bool]?
    if rows.count == n && kinds == [.online] && tableIDs == online {
      // Every online node's row over the online nodes (the usual case): the rows are the table.
      (values, isGiven) = (cells, nil)
    } else {
      let completed = completedTable(rows, cells: cells, kinds: kinds, tableIDs: tableIDs, notes: &notes)
      (values, isGiven) = (completed.values, completed.isGiven)
    }
    do {
      let matrix = try DistanceMatrix(nodes: tableIDs.map { NodeID($0) }, values: values)
      let local = (0..<n).filter { i in (0..<n).contains { j in i != j && values[i * n + j] == Cell(DistanceMatrix.local) } }
      if !local.isEmpty { notes.append(.localDistanceBetweenNodes(nodes: local.map { tableIDs[$0] })) }
      return matrix
    } catch {
      func wasGiven(_ from: NodeID, _ to: NodeID) -> Bool {
        guard let i = tableIDs.firstIndex(of: from.rawValue), let j = tableIDs.firstIndex(of: to.rawValue) else { return false }
        return isGiven?[i * n + j] ?? true
      }
      let path: String
      switch error {
      case .distanceDiagonal(let node, value: _):
        path = Path.node(node.rawValue, "distance")
      case .distanceOutOfRange(let from, let to, value: _):
        path = Path.node(wasGiven(from, to) ? from.rawValue : to.rawValue, "distance")
      default: path = Path.nodeRoot
      }
      throw ImportError(file: files.name(path), line: 1, text: files.trimmedText(path), expected: "\(error)")
    }
  }

  /// The table over `tableIDs` from rows that do not all cover it, and which cells a row gave.
  private func completedTable<Cell: FixedWidthInteger>(
    _ rows: [Row], cells: [Cell], kinds: Set<Columns>, tableIDs: [Int], notes: inout [Diagnostic]
  ) -> (values: [Cell], isGiven: [Bool]) {
    let n = tableIDs.count
    let positions = Columns.allCases.map { kinds.contains($0) ? Self.positions(of: ids($0), in: tableIDs) : [] }
    var given = [Cell](repeating: 0, count: n * n)
    var isGiven = [Bool](repeating: false, count: n * n)
    for row in rows {
      let i = positions[Columns.online.rawValue][row.onlineIndex]
      let columns = positions[row.columns.rawValue]
      for (k, value) in cells[row.start..<(row.start + row.count)].enumerated() {
        given[i * n + columns[k]] = value
        isGiven[i * n + columns[k]] = true
      }
    }
    var values = [Cell](repeating: 0, count: n * n)
    var (fromOthers, defaulted): ([Int], [Int]) = ([], [])
    for i in 0..<n {
      var (takenFromOthers, takenAsDefault) = (false, false)
      for j in 0..<n {
        if isGiven[i * n + j] {
          values[i * n + j] = given[i * n + j]
        } else if isGiven[j * n + i] {
          values[i * n + j] = given[j * n + i]
          takenFromOthers = true
        } else {
          values[i * n + j] = Cell(i == j ? DistanceMatrix.local : DistanceMatrix.remote)
          if i != j { takenAsDefault = true }
        }
      }
      if takenFromOthers { fromOthers.append(tableIDs[i]) }
      if takenAsDefault { defaulted.append(tableIDs[i]) }
    }
    notes += completionNotes(fromOthers: fromOthers, defaulted: defaulted)
    return (values, isGiven)
  }

  /// The notes on cells completed from the mirrored cell or by default.
  private func completionNotes(fromOthers: [Int], defaulted: [Int]) -> [Diagnostic] {
    var notes: [Diagnostic] = []
    if !fromOthers.isEmpty {
      // Only the online nodes' rows enter a boot build; an offline node's matter when it is built.
      let onlineSet = Set(online)
      let (onlineRows, offlineRows) = (fromOthers.filter(onlineSet.contains), fromOthers.filter { !onlineSet.contains($0) })
      if !onlineRows.isEmpty { notes.append(.distancesFromOtherRows(nodes: onlineRows)) }
      if !offlineRows.isEmpty { notes.append(.offlineDistancesFromOtherRows(nodes: offlineRows)) }
    }
    if !defaulted.isEmpty { notes.append(.distancesDefaulted(nodes: defaulted)) }
    return notes
  }
}
