// MD5 and HMAC-MD5 are what the platform's signing scheme prescribes; they protect nothing of ours.
#pragma warning disable CA5351
using System.Security.Cryptography;
using System.Text;

namespace Shelfbook.Channels.Connectors.Pinduoduo;

/// <summary>
/// Pinduoduo POP signing (platform-apis.md §2): every parameter but <c>sign</c> (the access token included), sorted
/// ordinally, key+value concatenated, MD5(secret + string + secret), upper-case hex. Lists and objects are passed in
/// as their JSON text and booleans as <c>true</c>/<c>false</c> by the caller.
/// </summary>
public static class PddSigner
{
    public static string Sign(IEnumerable<KeyValuePair<string, string?>> parameters, string secret)
    {
        var text = new StringBuilder(secret);
        foreach (var (name, value) in parameters.Where(p => p.Key != "sign" && p.Value is not null).OrderBy(p => p.Key, StringComparer.Ordinal))
            text.Append(name).Append(value);
        text.Append(secret);
        return Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
