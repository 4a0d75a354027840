/// The version of the zonelist tool and libraries: the one place it is written
/// (`zonelist --version`, the man page, the HTML report).
public enum ZonelistVersion {
  /// Semantic version of this source tree.
  public static let current = "0.4.0"
}
