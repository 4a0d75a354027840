/// The zone hot-added memory goes to when no zone is named, from the kernel command line.
///
/// Kernel (`mm/memory_hotplug.c`): `memhp_default_state=` (`online`, `online_kernel`,
/// `online_movable`, `offline`; the last one given counts) sets the type auto-onlining uses;
/// memory left offline is onlined by user space writing `online` to each block's `state`
/// (`MMOP_ONLINE`). `zone_for_pfn_range()`: `online_kernel` → the kernel zone (ZONE_NORMAL for a
/// range beyond every zone), `online_movable` → ZONE_MOVABLE, `online` under the default
/// `contig-zones` policy → `default_zone_for_pfn()`: ZONE_MOVABLE with `movable_node`, else
/// ZONE_NORMAL. The `auto-movable` policy (`memory_hotplug.online_policy=`) weighs the node's
/// movable ratio, which the model does not.
public enum OnlineType {
  /// The zone, or nil with the reason when the command line asks for a rule the model lacks.
  public static func defaultZone(commandLine: String) -> (zone: ZoneType?, reason: String) {
    var state = "online"
    var movableNode = false
    var autoMovable = false
    for word in commandLine.split(whereSeparator: \.isWhitespace) {
      if word.hasPrefix("memhp_default_state=") { state = String(word.dropFirst("memhp_default_state=".count)) }
      if word == "movable_node" { movableNode = true }
      if word == "memory_hotplug.online_policy=auto-movable" { autoMovable = true }
    }
    switch state {
    case "online_movable": return (.movable, "memhp_default_state=online_movable")
    case "online_kernel": return (.normal, "memhp_default_state=online_kernel")
    default:
      if autoMovable { return (nil, "memory_hotplug.online_policy=auto-movable picks the zone by the node's movable ratio, which is not modeled") }
      return movableNode ? (.movable, "movable_node") : (.normal, "the 'online' type (contig-zones: ZONE_NORMAL)")
    }
  }
}
