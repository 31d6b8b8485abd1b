using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Postgres.Tenant
{
    /// <inheritdoc />
    public partial class ConsentRoundTrip : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "consent_nonce",
                table: "shop_connections",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "pending_credentials",
                table: "shop_connections",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "consent_nonce",
                table: "shop_connections");

            migrationBuilder.DropColumn(
                name: "pending_credentials",
                table: "shop_connections");
        }
    }
}
