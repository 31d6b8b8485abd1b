// MD5 and HMAC-MD5 are what the platform's signing scheme prescribes; they protect nothing of ours.
#pragma warning disable CA5351
using System.Security.Cryptography;
using System.Text;

namespace Shelfbook.Channels.Connectors.Jd;

/// <summary>
/// JD JOS signing (platform-apis.md §3): the system parameters (business parameters travel as one JSON string in
/// <c>360buy_param_json</c>), sorted ordinally, key+value concatenated, MD5(secret + string + secret), upper-case hex.
/// </summary>
public static class JdSigner
{
    public static string Sign(IEnumerable<KeyValuePair<string, string?>> parameters, string secret)
    {
        var text = new StringBuilder(secret);
        foreach (var (name, value) in parameters.Where(p => p.Key != "sign" && !string.IsNullOrEmpty(p.Value)).OrderBy(p => p.Key, StringComparer.Ordinal))
            text.Append(name).Append(value);
        text.Append(secret);
        return Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
