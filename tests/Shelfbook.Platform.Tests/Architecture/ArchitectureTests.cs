using System.Xml.Linq;
using NetArchTest.Rules;
using Shelfbook.Platform.Modules;
using Shelfbook.Platform.Tests.Tenancy;

namespace Shelfbook.Platform.Tests.Architecture;

public sealed class ArchitectureTests
{
    private static readonly IReadOnlyList<ShelfbookModule> Modules = Web.ShelfbookModules.Create().All;

    public static TheoryData<string> ModuleNames => new(Modules.Select(m => m.Assembly.GetName().Name!));

    /// <summary>A module may use another module only through its <c>Contracts</c> namespace.</summary>
    [Theory]
    [MemberData(nameof(ModuleNames))]
    public void A_module_uses_other_modules_only_through_their_contracts(string moduleName)
    {
        var module = Modules.Single(m => m.Assembly.GetName().Name == moduleName).Assembly;
        // Full type names, not namespaces: NetArchTest matches by prefix, and a namespace prefix would also forbid Contracts.
        var internals = Modules.Where(m => m.Assembly != module)
            .SelectMany(m => m.Assembly.GetTypes())
            .Where(t => t.FullName is not null && t.Namespace?.Contains(".Contracts", StringComparison.Ordinal) != true
                        && !t.FullName.Contains('<', StringComparison.Ordinal))
            .Select(t => t.FullName!)
            .ToArray();

        var result = Types.InAssembly(module).ShouldNot().HaveDependencyOnAny(internals).GetResult();

        Assert.True(result.IsSuccessful, $"{moduleName} uses internals of another module: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void The_kernel_and_data_layers_know_nothing_above_them()
    {
        var kernel = Types.InAssembly(typeof(Kernel.TenantCode).Assembly).ShouldNot().HaveDependencyOnAny("Shelfbook.Data", "Shelfbook.Platform", "Microsoft.EntityFrameworkCore", "Microsoft.AspNetCore").GetResult();
        var data = Types.InAssembly(typeof(Data.Databases).Assembly).ShouldNot().HaveDependencyOnAny("Shelfbook.Platform", "Shelfbook.Web", "Shelfbook.Inventory", "Shelfbook.Access").GetResult();

        Assert.True(kernel.IsSuccessful, string.Join(", ", kernel.FailingTypeNames ?? []));
        Assert.True(data.IsSuccessful, string.Join(", ", data.FailingTypeNames ?? []));
    }

    /// <summary>The host, and the design-time model of both migration sets, list every module folder.</summary>
    [Fact]
    public void The_host_and_both_migration_sets_know_every_module()
    {
        var root = DemoTenantTests.RepositoryRoot();
        var moduleProjects = Directory.GetDirectories(Path.Combine(root, "src", "Modules")).Select(Path.GetFileName).Order().ToList();
        var hosted = Modules.Select(m => m.Assembly.GetName().Name).Order().ToList();

        Assert.Equal(moduleProjects, hosted);
        foreach (var provider in new[] { "Sqlite", "Postgres" })
        {
            var project = XDocument.Load(Path.Combine(root, "src", "Migrations", $"Shelfbook.Migrations.{provider}", $"Shelfbook.Migrations.{provider}.csproj"));
            var referenced = project.Descendants("ProjectReference").Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/'))).ToList();
            var factories = File.ReadAllText(Path.Combine(root, "src", "Migrations", $"Shelfbook.Migrations.{provider}", "DesignTimeFactories.cs"));
            foreach (var module in Modules)
            {
                Assert.Contains(module.Assembly.GetName().Name, referenced);
                Assert.Contains($"typeof({module.GetType().FullName!["Shelfbook.".Length..]})", factories, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>Every string shown to a user exists in Chinese (the neutral resources) and in English.</summary>
    [Fact]
    public void Every_resource_key_exists_in_both_languages()
    {
        var root = DemoTenantTests.RepositoryRoot();
        foreach (var chinese in Directory.GetFiles(Path.Combine(root, "src"), "*.resx", SearchOption.AllDirectories).Where(f => !f.EndsWith(".en.resx", StringComparison.Ordinal)))
        {
            var english = chinese[..^".resx".Length] + ".en.resx";
            Assert.True(File.Exists(english), $"{english} is missing");
            static List<string> Keys(string path) => XDocument.Load(path).Root!.Elements("data").Select(d => d.Attribute("name")!.Value).Order().ToList();
            Assert.Equal(Keys(chinese), Keys(english));
        }
    }

    [Fact]
    public void Every_module_has_a_name_in_the_navigation()
    {
        var strings = new System.Resources.ResourceManager("Shelfbook.Platform.PlatformStrings", typeof(PlatformStrings).Assembly);
        foreach (var module in Modules)
        {
            Assert.NotNull(strings.GetString("module." + module.Name, System.Globalization.CultureInfo.GetCultureInfo("zh-CN")));
            Assert.NotNull(strings.GetString("module." + module.Name, System.Globalization.CultureInfo.GetCultureInfo("en-US")));
        }
    }

    [Fact]
    public void Every_permission_is_named_after_its_module()
    {
        foreach (var module in Modules)
        foreach (var permission in module.Permissions)
            Assert.StartsWith(module.Name + ".", permission.Name, StringComparison.Ordinal);
    }
}
