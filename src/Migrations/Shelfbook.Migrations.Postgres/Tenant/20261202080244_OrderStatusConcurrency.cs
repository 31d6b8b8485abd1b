using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Postgres.Tenant
{
    /// <inheritdoc />
    public partial class OrderStatusConcurrency : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
