// MD5 and HMAC-MD5 are what the platform's signing scheme prescribes; they protect nothing of ours.
#pragma warning disable CA5351
using System.Security.Cryptography;
using System.Text;

namespace Shelfbook.Channels.Connectors.Taobao;

/// <summary>
/// TOP request signing (platform-apis.md §1): every parameter but <c>sign</c> with a non-empty name and value, sorted by
/// name ordinally, concatenated name+value; <c>md5</c> hashes secret + string + secret, <c>hmac</c> is HMAC-MD5 and
/// <c>hmac-sha256</c> HMAC-SHA256 keyed by the secret; upper-case hex over the UTF-8 bytes of the raw values.
/// </summary>
public static class TopSigner
{
    public static string Sign(IEnumerable<KeyValuePair<string, string?>> parameters, string secret, string signMethod)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in parameters
                     .Where(p => p.Key != "sign" && !string.IsNullOrEmpty(p.Key) && !string.IsNullOrEmpty(p.Value))
                     .OrderBy(p => p.Key, StringComparer.Ordinal))
            text.Append(name).Append(value);
        var key = Encoding.UTF8.GetBytes(secret);
        var hash = signMethod switch
        {
            "md5" => MD5.HashData(Encoding.UTF8.GetBytes(secret + text + secret)),
            "hmac" => HMACMD5.HashData(key, Encoding.UTF8.GetBytes(text.ToString())),
            "hmac-sha256" => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text.ToString())),
            _ => throw new ArgumentException($"TOP has no sign_method '{signMethod}'.", nameof(signMethod)),
        };
        return Convert.ToHexString(hash);
    }
}
