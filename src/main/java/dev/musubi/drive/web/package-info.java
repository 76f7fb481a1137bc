@NullMarked
package dev.musubi.drive.web;

import org.jspecify.annotations.NullMarked;
