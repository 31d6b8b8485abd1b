using Shelfbook.Fulfillment.Tests;
using Shelfbook.TestKit;

[assembly: AssemblyFixture(typeof(SqliteApp))]
[assembly: AssemblyFixture(typeof(PostgresApp))]
[assembly: AssemblyFixture(typeof(Sandbox))]
