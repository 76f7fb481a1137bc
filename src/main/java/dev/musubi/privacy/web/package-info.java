/** Privacy REST API: the member's export, the admin's export, retention, holds and notice. */
@NullMarked
package dev.musubi.privacy.web;

import org.jspecify.annotations.NullMarked;
