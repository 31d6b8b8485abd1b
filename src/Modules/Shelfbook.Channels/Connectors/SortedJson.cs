using System.Text.Encodings.Web;
using System.Text.Json;

namespace Shelfbook.Channels.Connectors;

/// <summary>
/// JSON as signing platforms want it inside a signed string (Douyin's <c>param_json</c>, JD's <c>360buy_param_json</c>):
/// keys sorted ordinally, no whitespace, no HTML escaping (platform-apis.md §3, §4).
/// </summary>
public static class SortedJson
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = false };

    public static string Serialize(IReadOnlyDictionary<string, object?> parameters) =>
        JsonSerializer.Serialize(new SortedDictionary<string, object?>(parameters.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal), Options);
}
