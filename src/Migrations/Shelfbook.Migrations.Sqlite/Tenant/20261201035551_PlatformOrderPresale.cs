using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class PlatformOrderPresale : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "presale",
                table: "platform_orders",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "ship_by",
                table: "platform_orders",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "presale",
                table: "platform_orders");

            migrationBuilder.DropColumn(
                name: "ship_by",
                table: "platform_orders");
        }
    }
}
