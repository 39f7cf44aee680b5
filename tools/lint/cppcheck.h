/* Read by cppcheck only (make lint): jansson's iteration macros, which it
 * cannot expand without jansson.h, as the loops they are. */
#define json_array_foreach(array, index, value) \
	for (index = 0; index < json_array_size(array) && (value = json_array_get(array, index)); index++)
#define json_object_foreach(object, key, value) \
	for (key = json_object_iter_key(json_object_iter(object)); key && (value = json_object_get(object, key)); key = 0)
#define json_auto_t json_t
