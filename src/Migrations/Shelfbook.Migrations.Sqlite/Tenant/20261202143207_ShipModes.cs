using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class ShipModes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "order_ship_modes",
                columns: table => new
                {
                    order_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    order_no = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    mode = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    set_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    set_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_ship_modes", x => x.order_id);
                });

            migrationBuilder.CreateTable(
                name: "warehouse_ship_modes",
                columns: table => new
                {
                    warehouse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    mode = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_warehouse_ship_modes", x => x.warehouse_id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "order_ship_modes");

            migrationBuilder.DropTable(
                name: "warehouse_ship_modes");
        }
    }
}
