using System.Text.RegularExpressions;

namespace Shelfbook.Orders.Addresses;

/// <summary>A receiver read from pasted text: each part null when it was not found.</summary>
public sealed record PastedReceiver(string? Name, string? Phone, string? PostalCode, ParsedAddress Place);

/// <summary>
/// 智能识别: reads a receiver pasted whole, as buyers send it in chat or as a platform's order page copies it
/// (张三 13812345678 浙江省杭州市西湖区文三路 478 号; 收货人：张三，手机号码：138…，所在地区：…，详细地址：…; the name last
/// or first): the mobile or landline number, a six-digit postal code standing alone, the name (a short word without
/// digits or street words at either end), and the rest read by <see cref="ChinaRegions.Parse"/>. What it reads fills
/// the address form for the user to check; nothing is saved from it unchecked.
/// </summary>
public static partial class PastedAddress
{
    [GeneratedRegex(@"(收货人|收件人|联系人|姓名|手机号码|手机号|手机|联系电话|电话号码|电话|所在地区|地区|详细地址|收货地址|地址|邮编|邮政编码)\s*[:：]", RegexOptions.CultureInvariant)]
    private static partial Regex Labels();

    /// <summary>A mainland mobile (with +86 or 86 before it, dashes or spaces inside) or a landline with its area code.</summary>
    [GeneratedRegex(@"(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}|0\d{2,3}-\d{7,8}(?:-\d{1,6})?)(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex Phone();

    [GeneratedRegex(@"(?<![\w-])\d{6}(?![\w-])", RegexOptions.CultureInvariant)]
    private static partial Regex Postal();

    [GeneratedRegex(@"[\s,，;；、|]+", RegexOptions.CultureInvariant)]
    private static partial Regex Separators();

    /// <summary>Characters a street has and a person's name hardly ever does.</summary>
    private const string StreetWords = "路街道号巷弄楼栋室座区县市省镇乡村组院园厦场店站门层单元期幢舍城苑府庄湾寓阁居墅邸坊";

    public static PastedReceiver Read(string? text)
    {
        var rest = Labels().Replace(text ?? "", " ");
        string? phone = null, postal = null;
        if (Phone().Match(rest) is { Success: true } p)
        {
            var number = p.Groups[1].Value;
            phone = number.StartsWith('1') ? Regex.Replace(number, @"[\s-]", "") : number; // a mobile without its spaces and dashes
            rest = rest.Remove(p.Index, p.Length).Insert(p.Index, " ");
        }
        if (Postal().Match(rest) is { Success: true } z)
        {
            postal = z.Value;
            rest = rest.Remove(z.Index, z.Length).Insert(z.Index, " ");
        }
        var words = Separators().Split(rest.Trim()).Where(w => w.Length > 0).ToList();
        string? name = null;
        if (words.Count > 1 && LooksLikeName(words[0], first: true)) (name, words) = (words[0], words[1..]);
        else if (words.Count > 1 && LooksLikeName(words[^1], first: false)) (name, words) = (words[^1], words[..^1]);
        var place = ChinaRegions.Parse(string.Join(" ", words));
        return new PastedReceiver(name, phone, postal, place);
    }

    /// <summary>
    /// A name: at most 20 characters without digits, not the start of a place; at the end of the text also without
    /// street words and at most 5 characters (the street's last word is more often there).
    /// </summary>
    private static bool LooksLikeName(string word, bool first) =>
        word.Length <= 20 && !word.Any(char.IsDigit) && ChinaRegions.Parse(word).Province is null
        && (first || (word.Length <= 5 && !word.Any(c => StreetWords.Contains(c))));
}
